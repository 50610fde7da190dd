/**
 * The clips of other shapes chapter 4 asks the DiT for — one it trained on,
 * and durations and an aspect ratio it never saw — and the prompt each is
 * asked with. DOM-free, so the page and the tests (against Node) share them.
 */
import { captionText, parsePrompt } from '../world/caption';

export interface ClipShape {
  id: string;
  label: string;
  frames: number;
  /** Latent height and width (a quarter of the pixels'). */
  height: number;
  width: number;
  /** How it stands to what the DiT trained on. */
  note: string;
}

export const CLIP_SHAPES: readonly ClipShape[] = [
  { id: 'image', label: 'An image', frames: 1, height: 8, width: 8, note: '1 frame of 32 × 32: trained on' },
  { id: 'f4', label: '4 frames', frames: 4, height: 8, width: 8, note: 'shorter than any training clip' },
  { id: 'f8', label: '8 frames', frames: 8, height: 8, width: 8, note: 'as trained' },
  { id: 'f12', label: '12 frames', frames: 12, height: 8, width: 8, note: 'frames 9–12 at times never seen' },
  { id: 'wide', label: '8 frames, 32 × 48', frames: 8, height: 8, width: 12, note: 'wider: columns 5–6 never seen' },
];

/** The prompt a shape is asked with: an image gets no motion (the world states a motion only for clips). */
export function promptForShape(prompt: string, frames: number): string {
  if (frames > 1) return prompt;
  const parsed = parsePrompt(prompt);
  if (!parsed.phrases.some((p) => p.motion)) return prompt;
  return captionText(parsed.phrases.map(({ motion: _motion, ...p }) => p));
}
