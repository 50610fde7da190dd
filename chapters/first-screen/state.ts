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
 * The DiT's steps for the first clip. 14, not the pipeline's 30: the judge passes as many at 14 as at 16, 20
 * or 30 (Node, this DiT: the first screen's prompt at seeds 0–15 and its four examples at seeds 0–3, 32
 * clips: 26 pass at 14 steps, 25 at 16; on the first 16 of them 13 at 14 steps, 12 at 16, 20 and 30, 11 at
 * 12 and 10), in under half the time (issue 24, item 4: the first clip within 4 s of a cold visit).
 */
export const STEPS = 14;
/** Decode the model's guess of the clean clip every this many steps, to show it while it denoises. */
export const PREVIEW_EVERY = 2;
