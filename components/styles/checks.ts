// A check box with its label beside it, finger-sized (chapters 0 and 1): compose
// after `prose`, `controls` and `layout` where a figure has one.
import { css } from 'lit';

export const checks = css`
  .check {
    display: inline-flex;
    align-items: center;
    gap: 0.45rem;
    min-height: 2.25rem;
    cursor: pointer;
    font-size: 0.95rem;
  }
  .check input {
    width: 1.15rem;
    height: 1.15rem;
    accent-color: var(--accent);
  }
  .check input:focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
`;
