// Chapter 1's state in the URL (prefix c1), each cell's share of it, the
// picture the noising figure starts from, and the looks the chapter and its
// figures share.
import { css } from 'lit';
import { BETA_SCHEDULES, type BetaSchedule } from '../../pipeline/diffusion';
import { decodeDrawing, drawingToRgb, isBlank } from '../../pipeline/drawing';
import { defineSchema, integer, oneOf, text, type StateOf } from '../../pipeline/url-state';
import { PALETTE, generateClip } from '../../pipeline/world';

export const T = 1000;
export const SIZE = 32;
export const VALUES = SIZE * SIZE * 3;

export const chapter1Schema = defineSchema({
  /** Timestep of the noised picture. */
  t: integer(0, T - 1, 250),
  schedule: oneOf(BETA_SCHEDULES, 'linear'),
  /** Lin et al.'s zero-terminal-SNR rescale. */
  zsnr: oneOf(['off', 'on'], 'off'),
  /** Seed of ε. */
  seed: integer(0, 99_999, 0),
  source: oneOf(['world', 'drawing'], 'world'),
  /** Seed of the world picture. */
  image: integer(0, 99_999, 2),
  /** The reader's drawing (pipeline/drawing.ts). */
  drawing: text(1400, ''),
  /** The world cell: a caption, a seed, and whether it shows training examples. */
  caption: text(160, 'a red circle moving right'),
  clip: integer(0, 99_999, 0),
  example: oneOf(['off', 'on'], 'off'),
});
/** Each cell's parameters: its Reset sets only these back to their defaults. */
export const NOISING_PARAMS = ['t', 'schedule', 'zsnr', 'seed', 'source', 'image', 'drawing'] as const satisfies readonly (keyof typeof chapter1Schema)[];
export const WORLD_PARAMS = ['caption', 'clip', 'example'] as const satisfies readonly (keyof typeof chapter1Schema)[];

export type Chapter1State = StateOf<typeof chapter1Schema>;

export const SCHEDULE_NAMES: Record<BetaSchedule, string> = {
  linear: 'Linear',
  scaled_linear: 'Scaled linear',
  squaredcos_cap_v2: 'Cosine',
};

/** A number for the page: fixed digits (or exponent form when very large or small), a true minus sign. */
export const fmt = (v: number, digits = 3) =>
  (Number.isFinite(v) ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : v.toFixed(digits)) : v > 0 ? '∞' : '-∞').replace('-', '−');

/** The picture x₀ of the noising figure, what to call it, and the pixel whose arithmetic is spelled out. */
export interface Picture {
  key: string;
  rgb: Uint8Array;
  alt: string;
  caption: string;
  probe: { x: number; y: number; c: number };
  blank: boolean;
  problems: string[];
}

/** The channel that carries most of a palette colour (where a probe on its pixel moves the most). */
function strongestChannel(rgb: readonly number[]): number {
  return rgb.indexOf(Math.max(...rgb));
}

export function pictureKey(s: Chapter1State): string {
  return s.source === 'world' ? `w${s.image}` : `d${s.drawing}`;
}

/** The world picture or the reader's drawing the state names, the probe on its first object (or first painted pixel). */
export function pictureOf(s: Chapter1State): Picture {
  const key = pictureKey(s);
  if (s.source === 'world') {
    const clip = generateClip(s.image, { frames: 1 });
    const o = clip.objects[0];
    const [cx, cy] = o.centroids[0];
    return {
      key,
      rgb: clip.frames,
      alt: clip.caption,
      caption: clip.caption,
      probe: { x: Math.floor(cx), y: Math.floor(cy), c: strongestChannel([...PALETTE[o.colour]]) },
      blank: false,
      problems: [],
    };
  }
  const { indices, problems } = decodeDrawing(s.drawing, SIZE * SIZE);
  const first = indices.findIndex((v) => v !== 0);
  const blank = isBlank(indices);
  const rgb = drawingToRgb(indices);
  const p = first >= 0 ? first : (SIZE * SIZE) / 2 + SIZE / 2;
  const c = first >= 0 ? strongestChannel([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]]) : 0;
  return {
    key,
    rgb,
    alt: blank ? 'your drawing, still empty (all black)' : 'your drawing',
    caption: blank ? 'your drawing (empty)' : 'your drawing',
    probe: { x: p % SIZE, y: Math.floor(p / SIZE), c },
    blank,
    problems,
  };
}

/** The chapter's own looks, shared by its prose and figures: readouts, and stacks of controls. */
export const chapter1Styles = css`
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    margin: 0 0 0.5rem;
    max-width: none;
  }
  .readout .math {
    font-style: italic;
  }
  .stack > * + * {
    margin-top: 0.75rem;
  }
`;
