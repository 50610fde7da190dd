// Chapter 3's state in the URL (prefix c3), the sizes of the VAE's frame and
// latent, the frame the state names, what the VAE figure hands the edit figure,
// and the looks the chapter's figures share.
import { css } from 'lit';
import { decodeDrawing, drawingToRgb, isBlank } from '../../pipeline/drawing';
import { defineSchema, integer, number, oneOf, text, type StateOf } from '../../pipeline/url-state';
import { generateClip } from '../../pipeline/world';

export const SIZE = 32;
export const LATENT = 8;
export const CHANNELS = 4;
export const FRAME_BYTES = SIZE * SIZE * 3;
export const LATENT_VALUES = CHANNELS * LATENT * LATENT;
export const CLIP_FRAMES = 8;

export const chapter3Schema = defineSchema({
  source: oneOf(['world', 'drawing'], 'world'),
  /** Seed of the world frame. */
  image: integer(0, 99_999, 2),
  /** The reader's drawing (pipeline/drawing.ts). */
  drawing: text(1400, ''),
  /** The channel the edit changes (1-based, as the page names them), or all four. */
  channel: oneOf(['1', '2', '3', '4', 'all'], '2'),
  scale: number(-2, 3, 1),
  shift: number(-3, 3, 0),
  /** Seed of the world clip whose first and last frames are mixed. */
  pair: integer(0, 99_999, 1),
  /** α: how much of the last frame the mix holds. */
  mix: number(0, 1, 0.5),
});
export type Chapter3State = StateOf<typeof chapter3Schema>;

export const CHANNEL_LABELS = ['channel 1', 'channel 2', 'channel 3', 'channel 4'];

export const fmt = (v: number, digits = 2) => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '−') : v > 0 ? '∞' : '−∞');
export const signed = (v: number) => (v >= 0 ? `+${v.toFixed(1)}` : v.toFixed(1).replace('-', '−'));

/** The frame the VAE encodes: a world frame or the reader's drawing. */
export interface Picture {
  key: string;
  rgb: Uint8Array;
  alt: string;
  blank: boolean;
  problems: string[];
}

export function pictureKey(s: Chapter3State): string {
  return s.source === 'world' ? `w${s.image}` : `d${s.drawing}`;
}

export function pictureOf(s: Chapter3State): Picture {
  const key = pictureKey(s);
  if (s.source === 'world') {
    const clip = generateClip(s.image, { frames: 1 });
    return { key, rgb: clip.frames, alt: clip.caption, blank: false, problems: [] };
  }
  const { indices, problems } = decodeDrawing(s.drawing, SIZE * SIZE);
  const blank = isBlank(indices);
  return { key, rgb: drawingToRgb(indices), alt: blank ? 'your drawing, still empty (all black)' : 'your drawing', blank, problems };
}

/** The frame through the VAE (<vae-figure> hands it up; the chapter gives it to <latent-edit-figure>). */
export interface Encoded {
  /** The picture's key. */
  key: string;
  latent: Float32Array;
  recon: Uint8Array;
  psnr: number;
  error: Float32Array;
  maxError: number;
  reading: string;
}

/** The chapter's own looks, shared by its figures: grids of controls, stage labels, readouts. */
export const chapter3Styles = css`
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: 0.9rem 1.5rem;
    align-items: start;
    margin-bottom: 1rem;
  }
  .stage-label {
    font-size: 0.85rem;
    font-weight: 600;
    margin: 0 0 0.3rem;
  }
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    margin: 0.75rem 0 0;
    max-width: none;
  }
`;
