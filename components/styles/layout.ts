// The looks every chapter's figures share, composed into a chapter's (or a
// figure's) styles after `prose` and `controls`, as Shoelace composes
// componentStyles and formControlStyles. A chapter's own stylesheet keeps only
// what is its own.
import { css } from 'lit';

/** Rows of controls, grid cells that span the row, quiet text, notices, the backend picker. */
export const layout = css`
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: center;
  }
  .wide {
    grid-column: 1 / -1;
  }
  .muted {
    color: var(--muted);
    font-size: 0.9rem;
  }
  .notice {
    margin: 0.5rem 0;
    padding: 0.4rem 0.7rem;
    border-left: 4px solid var(--focus);
    background: #fff6e0;
    border-radius: 0.3rem;
    font-size: 0.95rem;
    max-width: var(--measure);
  }
  .backend select {
    font: inherit;
  }
`;

/** A labelled field: its label above, its input or select the field's width. */
export const fields = css`
  .field label {
    display: block;
    font-weight: 600;
    font-size: 0.95rem;
    margin-bottom: 0.25rem;
  }
  .field input,
  .field select {
    box-sizing: border-box;
    width: 100%;
    font: inherit;
    font-size: 1rem;
    padding: 0.35em 0.5em;
    border: 1px solid var(--rule);
    border-radius: 0.35rem;
    background: var(--cell-bg, #fff);
    color: var(--ink);
  }
  .field input:focus-visible,
  .field select:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
`;

/** The judge's verdict on a sample: passed, failed. */
export const verdicts = css`
  .verdict.pass {
    background: var(--accent-soft);
    border-left: 4px solid var(--accent);
  }
  .verdict.fail {
    background: var(--error-soft);
    border-left: 4px solid var(--error);
  }
`;

/** A chapter's line of its models (sizes, downloads) and its backend switch, quiet and full width. */
export const modelLines = css`
  .weights,
  .backend {
    font-size: 0.85rem;
    color: var(--muted);
    margin: 0.5rem 0;
    max-width: none;
  }
`;

/** A framed group of figures with a small heading (a section of one or more cells). */
export const figureBox = css`
  .figure-box {
    margin: 1.5rem 0;
    padding: 1rem;
    border: 1px solid var(--rule);
    border-radius: 0.6rem;
    background: var(--cell-bg);
  }
  .figure-box > h4 {
    margin: 0 0 0.75rem;
    font-size: 0.9rem;
  }
`;

/** A line chart's key: a row of labels, each after a short line of its colour (--key); `li.faint` a thinner one. */
export const lineKeys = css`
  .keys {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem 0.9rem;
    margin: 0 0 0.2rem;
    padding: 0;
    list-style: none;
    font-size: 0.85rem;
    font-variant-numeric: tabular-nums;
  }
  .keys li::before {
    content: '';
    display: inline-block;
    width: 0.9rem;
    height: 0.2rem;
    margin-right: 0.3rem;
    vertical-align: middle;
    background: var(--key);
  }
  .keys li.faint::before {
    height: 0.12rem;
  }
`;

/** A chart's colour key: a row of labels, each after a square of its colour (--key). */
export const colourKeys = css`
  .keys {
    display: flex;
    flex-wrap: wrap;
    gap: 0.1rem 0.9rem;
    margin: 0.5rem 0 0.2rem;
    padding: 0;
    list-style: none;
    font-size: 0.85rem;
  }
  .keys li::before {
    content: '';
    display: inline-block;
    width: 0.7rem;
    height: 0.7rem;
    margin-right: 0.3rem;
    vertical-align: -0.05rem;
    background: var(--key);
  }
`;
