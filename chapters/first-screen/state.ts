// The first screen's state in the URL (prefix fs), and the models it runs.
import { defineSchema, integer, text, type StateOf } from '../../pipeline/url-state';

export const firstScreenSchema = defineSchema({
  prompt: text(160, 'a red circle moving right'),
  seed: integer(0, 99_999, 0),
});
export type FirstScreenState = StateOf<typeof firstScreenSchema>;

export const FIRST_SCREEN_MODELS = ['text_encoder', 'dit', 'vae_decoder'];
export const EXAMPLES = ['a big yellow square moving left', 'a blue triangle moving down', 'a small purple circle staying still', 'a green square'];
/**
 * The DiT's steps for the first clip. 16, not the pipeline's 30: on the first screen's prompt (seeds 0–7)
 * and its four examples (seeds 0–1) the judge passed 12 of 16 clips at 30, 20 and 16 steps alike (the same
 * four failed), in about half the time (issue 24, item 4: the first clip within 4 s of a cold visit).
 */
export const STEPS = 16;
/** Decode the model's guess of the clean clip every this many steps, to show it while it denoises. */
export const PREVIEW_EVERY = 2;
