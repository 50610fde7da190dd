/** npm run prompt-sets: the scores' fixed prompt sets as JSON (pipeline/world/score.ts), for the Python evaluation. */
import { CATEGORIES, CLIP_CATEGORIES, promptSets } from '../pipeline/world/score';

console.log(JSON.stringify({ categories: CATEGORIES, clip_categories: CLIP_CATEGORIES, prompts: promptSets() }));
