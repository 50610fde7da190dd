// The first screen's state in the URL (prefix fs), and the models it runs.
import { defineSchema, integer, text, type StateOf } from '../../pipeline/url-state';

export const firstScreenSchema = defineSchema({
  prompt: text(160, 'a red circle moving right'),
  seed: integer(0, 99_999, 0),
});
export type FirstScreenState = StateOf<typeof firstScreenSchema>;

export const FIRST_SCREEN_MODELS = ['text_encoder', 'dit', 'vae_decoder'];
export const EXAMPLES = ['a big yellow square moving left', 'a blue triangle moving down', 'a small purple circle staying still', 'a green square'];
/** Decode the model's guess of the clean clip every this many steps, to show it while it denoises. */
export const PREVIEW_EVERY = 2;
