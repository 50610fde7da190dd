// Pieces of the architecture diagrams (dit-diagram, unet-diagram): boxes of a
// name and a line or two of sizes, optionally a link to the figure that shows
// the part live; arrows with heads in the diagram's colours; the diagrams'
// shared styles. Lit `svg` templates, no state.
import { css, svg, unsafeCSS, type TemplateResult } from 'lit';

export const PATCH = '#1a5fb4';
export const TEXT = '#c2410c';
export const TIME = '#2f6f5e';
export const INK = '#1d1f24';
export const MUTED = '#596070';

/** Height of a box with `lines` lines under its name. */
export const boxHeight = (lines: number) => 28 + 16 * lines;

export interface BoxOptions {
  colour?: string;
  fill?: string;
  /** An in-page link to the figure that shows this part live. */
  href?: string;
  /** data-part, for tests and styles. */
  part?: string;
  /** Text anchored at the box's centre (default) or its left edge. */
  align?: 'middle' | 'start';
}

/** A box: its name in bold, then `lines` smaller; a link (the whole box, with a ▸ after the name) when `href` is given. */
export function box(x: number, y: number, w: number, name: string, lines: string[], o: BoxOptions = {}): TemplateResult {
  const colour = o.colour ?? INK;
  const h = boxHeight(lines.length);
  const tx = o.align === 'start' ? x + 10 : x + w / 2;
  const anchor = o.align === 'start' ? 'start' : 'middle';
  const body = svg`
    <rect x=${x} y=${y} width=${w} height=${h} rx="6" fill=${o.fill ?? '#fff'} stroke=${colour} stroke-width=${o.href ? 2 : 1.5}></rect>
    <text x=${tx} y=${y + 20} text-anchor=${anchor} fill=${colour} class="name">${name}${o.href ? svg`<tspan class="go"> ▸</tspan>` : ''}</text>
    ${lines.map((l, i) => svg`<text x=${tx} y=${y + 38 + 16 * i} text-anchor=${anchor} class="size">${l}</text>`)}`;
  return o.href
    ? svg`<a href=${o.href} tabindex="-1" data-part=${o.part ?? ''} class="linked">${body}</a>`
    : svg`<g data-part=${o.part ?? ''}>${body}</g>`;
}

/** An arrow from (x1, y1) to (x2, y2), or along a polyline of points. */
export function arrow(points: [number, number][], colour = INK, dashed = false): TemplateResult {
  return svg`<polyline points=${points.map((p) => p.join(',')).join(' ')} fill="none" stroke=${colour} stroke-width="1.6"
    stroke-dasharray=${dashed ? '5 3' : 'none'} marker-end="url(#head-${colour.slice(1)})"></polyline>`;
}

export function label(x: number, y: number, text: string, colour = MUTED, anchor: 'start' | 'middle' | 'end' = 'middle', cls = 'note'): TemplateResult {
  return svg`<text x=${x} y=${y} text-anchor=${anchor} fill=${colour} class=${cls}>${text}</text>`;
}

/** The arrowheads, one a colour: put once in each svg. */
export const arrowHeads = svg`<defs>${[PATCH, TEXT, TIME, INK, MUTED].map(
  (c) => svg`<marker id="head-${c.slice(1)}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L8,4 L0,8 z" fill=${c}></path></marker>`,
)}</defs>`;

/** The diagrams' look: an svg as wide as its column up to a size a projector shows whole, the parts listed in words under it. */
export const diagramStyles = css`
  :host {
    display: block;
  }
  figure {
    margin: 0;
    padding: 0.6rem;
    border: 1px solid var(--rule, #d0d4dc);
    border-radius: 0.5rem;
    background: #fff;
  }
  @media (max-width: 30rem) {
    figure {
      padding: 0.4rem 0 0;
      border: none;
    }
  }
  svg {
    display: block;
    width: 100%;
    max-width: 32rem;
    max-height: 92vh;
    height: auto;
    margin: 0 auto;
    font-family: var(--font-sans, system-ui, sans-serif);
  }
  svg .name {
    font-size: 15px;
    font-weight: 600;
  }
  svg .size {
    font-size: 13.5px;
    fill: ${unsafeCSS(INK)};
  }
  svg .note {
    font-size: 13px;
  }
  svg .go {
    font-weight: 400;
  }
  svg a.linked:hover rect {
    fill: #eef3fb;
  }
  ol.parts {
    margin: 0.6rem 0 0;
    padding-left: 1.4rem;
    font-size: 0.9rem;
    line-height: 1.45;
  }
  ol.parts li + li {
    margin-top: 0.2rem;
  }
  .params {
    color: var(--muted, ${unsafeCSS(MUTED)});
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
`;
