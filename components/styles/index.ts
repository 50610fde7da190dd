// Shared styles for shadow roots: chapters' prose and the controls inside cells.
// Colours, fonts and sizes come from the custom properties index.html sets on :root
// (they pierce shadow roots), so a theme or "large type" changes one place.
import { css } from 'lit';

/** Typography for a chapter's prose (its paragraphs, lists, code and links). */
export const prose = css`
  :host {
    display: block;
    color: var(--ink);
    font: inherit;
  }
  p,
  ul,
  ol {
    max-width: var(--measure);
    margin: 0 0 1em;
  }
  h3 {
    font-size: 1.2rem;
    line-height: 1.3;
    margin: 1.6em 0 0.5em;
  }
  a {
    color: var(--link);
    text-underline-offset: 0.15em;
  }
  a:hover {
    color: var(--link-hover);
  }
  a:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  code {
    font-family: var(--font-mono);
    font-size: 0.92em;
  }
  sub,
  sup {
    line-height: 0;
  }
  .coming-soon {
    color: var(--muted);
    font-style: italic;
  }
`;

/** Buttons, as the cells and the "try this" list use them. */
export const controls = css`
  button {
    font: inherit;
    font-size: 0.9rem;
    line-height: 1.2;
    color: var(--accent-ink);
    background: var(--accent-soft);
    border: 1px solid var(--accent);
    border-radius: 0.4rem;
    padding: 0.35em 0.8em;
    min-height: 2.25rem; /* a finger-sized target on a phone */
    cursor: pointer;
  }
  button:hover {
    background: var(--accent);
    color: var(--paper);
  }
  button:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
`;

export { colourKeys, fields, figureBox, layout, lineKeys, modelLines, verdicts } from './layout';
