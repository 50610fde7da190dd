// Chapter 4's state in the URL (prefix c4), the clip it cuts into patches, and
// the looks its figures share.
import { css } from 'lit';
import { colourKeys } from '../../components/styles';
import { MAX_FRAMES } from '../../components/widgets/token-cost-charts';
import type { PatchSize } from '../../pipeline/diffusion/patchify';
import { tokenGrid } from '../../pipeline/lessons/patch-cost';
import { defineSchema, integer, oneOf, text, type StateOf } from '../../pipeline/url-state';

/** The world clip's frames: 8 of 32 × 32 pixels; its latent: 8 × 8 cells of 4 channels a frame. */
export const SIZE = 32;
export const LATENT = 8;
export const CHANNELS = 4;
export const CLIP_FRAMES = 8;
export const PATCH_SIDES = ['1', '2', '4', '8'] as const;
export type PatchSide = (typeof PATCH_SIDES)[number];

export const chapter4Schema = defineSchema({
  /** Seed of the world clip that is cut into patches. */
  clip: integer(0, 99_999, 1),
  pt: oneOf(PATCH_SIDES, '1'),
  ph: oneOf(PATCH_SIDES, '2'),
  pw: oneOf(PATCH_SIDES, '2'),
  /** Draw the patches over the decoded frames, or over the latent itself (false colour). */
  view: oneOf(['frames', 'latent'], 'frames'),
  /** The marked token (clamped to the tokens there are). */
  token: integer(0, 511, 5),
  /** The clip of the cost charts: frames and the side of its square frames, in pixels. */
  frames: integer(1, MAX_FRAMES, 8),
  side: oneOf(['32', '64', '128', '256'], '32'),
  /** The DiT's clips of other shapes. */
  prompt: text(160, 'a big red circle moving right'),
  seed: integer(0, 99_999, 0),
  /** Seeds of each shape the tally judges (seed, seed + 1, …). */
  seeds: integer(2, 16, 6),
  /** The starting noise of a clip: its seed, and the frames' shared part a in quarters (4: a = 1). */
  nseed: integer(0, 99_999, 0),
  share: integer(0, 8, 4),
});
export type Chapter4State = StateOf<typeof chapter4Schema>;

/** The patch the state asks for. */
export function patchOf(s: Chapter4State): PatchSize {
  return { pt: Number(s.pt), ph: Number(s.ph), pw: Number(s.pw) };
}

/** The marked token, within the tokens the clip's latent has with that patch. */
export function markedToken(s: Chapter4State): number {
  const n = tokenGrid({ frames: CLIP_FRAMES, height: LATENT, width: LATENT }, patchOf(s)).tokens;
  return Math.min(s.token, n - 1);
}

/** The chapter's own looks, shared by its figures: their grids of controls, readouts and colour keys. */
export const chapter4Styles = css`
  ${colourKeys}
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr));
    gap: 0.9rem 1.5rem;
    align-items: start;
    margin-bottom: 1rem;
  }
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    margin: 0.75rem 0 0;
    max-width: none;
  }
`;
