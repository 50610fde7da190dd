// The looks of the figures that sample with the page's models (chapters 2 and
// 5 first): their grid of controls, their Run button and status line, a sample
// the judge cannot read, and the chapter's lines about its models. Composed
// after `prose`, `controls` and `layout` (components/styles), before a
// chapter's own sheet.
import { css } from 'lit';

/**
 * A figure's controls in a grid of columns at least `--controls-min` wide (14rem unless the chapter
 * sets it on :host: chapter 5 has 13rem), as many as fit.
 */
export const controlGrid = css`
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(var(--controls-min, 14rem), 1fr));
    gap: 0.9rem 1.5rem;
    align-items: start;
    margin-bottom: 1rem;
  }
`;

/** The Run button (filled), the status line beside it, and the judge's line for a prompt it cannot read. */
export const sampling = css`
  button.run {
    font-weight: 600;
    background: var(--accent);
    color: var(--paper);
    min-width: 6rem;
  }
  button.run:hover {
    background: var(--accent-ink);
  }
  .status {
    margin: 0;
    font-size: 0.95rem;
    font-variant-numeric: tabular-nums;
    max-width: none;
  }
  .verdict.none {
    background: #f3f3f0;
    border-left: 4px solid var(--muted);
  }
`;

/** The chapter's line about its models' download, and its backend switch (ModelController's renderWeights and renderBackend). */
export const modelLines = css`
  .weights,
  .backend {
    font-size: 0.85rem;
    color: var(--muted);
    margin: 0 0 0.5rem;
    max-width: var(--measure);
  }
  .weights progress {
    vertical-align: middle;
  }
`;
