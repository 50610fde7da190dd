// What the two chapters on text conditioning share: chapter-6 (the text encoder
// and cross-attention) and chapter-guidance (guidance and prompt expansion). Their
// figures sample the same DiT the same way and look alike; each chapter's own
// state, models and numbers stay in its state.ts.
import { css } from 'lit';
import { colourKeys } from '../../components/styles';

/** Denoising steps of every sample the two chapters make. */
export const STEPS = 30;

/** A sample's pictures, without the rest of what the worker sends (for <clip-card> and the judge). */
export const sameDims = (c: { frames: Uint8Array; numFrames: number; width: number; height: number }) => ({ frames: c.frames, numFrames: c.numFrames, width: c.width, height: c.height });

/** The looks the two chapters' figures share: grids of controls, readouts, colour keys, disclosures. */
export const conditioningStyles = css`
  ${colourKeys}
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr));
    gap: 0.75rem 1.5rem;
    align-items: start;
    margin-bottom: 1rem;
  }
  .readout {
    font-variant-numeric: tabular-nums;
    font-size: 0.95rem;
    margin: 0.5rem 0;
    max-width: none;
  }
  details {
    margin-top: 0.4rem;
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
  }
  summary:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
`;
