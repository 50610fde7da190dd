// <conditioning-diagram>: three ways the text gets into a DiT block, drawn
// side by side (stacked on a narrow screen): through adaLN (the pooled caption
// joins the timestep and sets each block's scale, shift and gate), through
// cross-attention (patch tokens ask, text tokens answer), and in context (the
// text tokens join the sequence and self-attention mixes them in). Each panel
// is an SVG with a title and a description, and the same in words under it.
//
//   <conditioning-diagram highlight="cross"></conditioning-diagram>
import { LitElement, css, html, svg, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';

export type ConditioningWay = 'adaln' | 'cross' | 'in_context';

const PATCH = '#1a5fb4';
const TEXT = '#c2410c';
const TIME = '#2f6f5e';
const INK = '#1d1f24';

interface Panel {
  id: ConditioningWay;
  title: string;
  model: string;
  words: string;
  draw: () => TemplateResult;
}

const box = (x: number, y: number, w: number, h: number, label: string, colour = INK, fill = '#fff') => svg`
  <rect x=${x} y=${y} width=${w} height=${h} rx="5" fill=${fill} stroke=${colour} stroke-width="1.5"></rect>
  <text x=${x + w / 2} y=${y + h / 2 + 4} text-anchor="middle" fill=${colour}>${label}</text>`;
const arrow = (x1: number, y1: number, x2: number, y2: number, colour = INK, dashed = false) => svg`
  <line x1=${x1} y1=${y1} x2=${x2} y2=${y2} stroke=${colour} stroke-width="1.5" marker-end="url(#head-${colour.slice(1)})"
    stroke-dasharray=${dashed ? '4 3' : 'none'}></line>`;
const label = (x: number, y: number, text: string, colour = INK, anchor: 'start' | 'middle' | 'end' = 'middle', size = 12.5) =>
  svg`<text x=${x} y=${y} text-anchor=${anchor} fill=${colour} font-size=${size}>${text}</text>`;
const heads = svg`<defs>${[PATCH, TEXT, TIME, INK].map(
  (c) => svg`<marker id="head-${c.slice(1)}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L8,4 L0,8 z" fill=${c}></path></marker>`,
)}</defs>`;

/** The block as the DiT here has it: self-attention and MLP, each after a LayerNorm, in a residual stream. */
function block(extra: TemplateResult, height = 200, width = 170) {
  return svg`
    <rect x="18" y="44" width=${width} height=${height} rx="8" fill="#f4f5f7" stroke="#b9bdc6" stroke-dasharray="5 4"></rect>
    ${label(26, 60, 'block × N', '#596070', 'start', 11)}
    ${extra}`;
}

const PANELS: Panel[] = [
  {
    id: 'adaln',
    title: 'Through adaLN',
    model: 'dit_adaln',
    words:
      'The whole caption, pooled into one vector of 64 numbers, is added to the timestep embedding. From that sum each block computes a scale, a shift and a gate for its LayerNorms and its two branches. The text changes how every token is normalised, the same way for all of them: no token can look at one word.',
    draw: () => svg`
      ${block(svg`
        ${box(38, 200, 130, 26, 'norm · modulate')}
        ${box(38, 160, 130, 26, 'self-attention', PATCH)}
        ${box(38, 112, 130, 26, 'norm · modulate')}
        ${box(38, 72, 130, 26, 'MLP', PATCH)}
        ${arrow(103, 200, 103, 188)}${arrow(103, 160, 103, 140)}${arrow(103, 112, 103, 100)}
      `)}
      ${box(38, 286, 130, 28, 'patch tokens', PATCH, '#e8f0fb')}
      ${arrow(103, 286, 103, 228, PATCH)}
      ${arrow(103, 72, 103, 22, PATCH)}${label(103, 16, 'to the next block', PATCH)}
      ${box(200, 290, 36, 24, 't', TIME, '#e7f2ee')}
      ${box(240, 290, 52, 24, 'pooled', TEXT, '#fbeee8')}
      ${label(292, 328, 'caption (64)', TEXT, 'end', 11.5)}
      <circle cx="246" cy="262" r="9" fill="#fff" stroke=${INK} stroke-width="1.5"></circle>${label(246, 266, '+')}
      ${arrow(218, 290, 240, 270, TIME)}${arrow(266, 290, 252, 270, TEXT)}
      ${box(212, 206, 68, 26, 'MLP', INK)}
      ${arrow(246, 253, 246, 234)}
      ${label(246, 186, 'scale, shift,', INK, 'middle', 11.5)}${label(246, 198, 'gate', INK, 'middle', 11.5)}
      ${arrow(212, 219, 170, 213, TEXT, true)}${arrow(212, 219, 170, 125, TEXT, true)}
    `,
  },
  {
    id: 'cross',
    title: 'Through cross-attention',
    model: 'dit_cross (and the DiT of this page)',
    words:
      'After self-attention, each patch token asks a question (a query) and every text token answers (keys and values from the text encoder’s 24 states). A patch mixes in the words whose keys match its query, so different places can read different words. The timestep still comes in through adaLN. This is the DiT of chapters 2, 3, 5, 6, 8 and 9, and where the maps above come from.',
    draw: () => svg`
      ${block(svg`
        ${box(38, 236, 130, 26, 'self-attention', PATCH)}
        ${box(38, 164, 130, 40, '', TEXT, '#fff7f2')}
        ${label(103, 181, 'cross-attention', TEXT)}${label(103, 196, 'Q: patches · K, V: text', TEXT, 'middle', 11)}
        ${box(38, 100, 130, 26, 'MLP', PATCH)}
        ${arrow(103, 236, 103, 206)}${arrow(103, 164, 103, 128)}
        ${label(110, 84, 't via adaLN', TIME, 'start', 11.5)}
      `, 236)}
      ${box(38, 292, 130, 28, 'patch tokens', PATCH, '#e8f0fb')}
      ${arrow(103, 292, 103, 264, PATCH)}
      ${arrow(103, 100, 103, 22, PATCH)}${label(103, 16, 'to the next block', PATCH)}
      ${box(208, 292, 84, 28, 'text tokens', TEXT, '#fbeee8')}
      ${label(250, 334, '24 × 128', TEXT, 'middle', 11.5)}
      <polyline points="250,292 250,184 170,184" fill="none" stroke=${TEXT} stroke-width="1.5" marker-end="url(#head-${TEXT.slice(1)})"></polyline>
      ${label(256, 240, 'keys,', TEXT, 'start', 11.5)}${label(256, 252, 'values', TEXT, 'start', 11.5)}
    `,
  },
  {
    id: 'in_context',
    title: 'In context',
    model: 'dit_in_context',
    words:
      'The 24 text states, projected to the model’s width, are appended to the patch tokens, and the block runs as if they were more patches: self-attention mixes words and patches in one sequence. At the output the text tokens are dropped. It costs attention over 24 more tokens and adds no new layer.',
    draw: () => svg`
      ${block(svg`
        ${box(38, 190, 230, 34, '', PATCH, '#fff')}
        ${label(153, 205, 'self-attention over patches', PATCH)}${label(153, 218, 'and text together', TEXT)}
        ${box(38, 112, 230, 26, 'MLP (every token)', PATCH)}
        ${arrow(153, 190, 153, 140)}
      `, 200, 270)}
      ${box(38, 286, 110, 28, 'patch tokens', PATCH, '#e8f0fb')}
      ${box(158, 286, 110, 28, 'text tokens', TEXT, '#fbeee8')}
      ${label(153, 330, 'one sequence: 16 + 24 tokens an image', INK, 'middle', 11.5)}
      ${arrow(93, 286, 93, 226, PATCH)}${arrow(213, 286, 213, 226, TEXT)}
      ${arrow(93, 112, 93, 22, PATCH)}${label(93, 16, 'patches go on', PATCH)}
      ${arrow(213, 112, 213, 84, TEXT, true)}${label(213, 76, 'text dropped', TEXT)}
    `,
  },
];

@customElement('conditioning-diagram')
export class ConditioningDiagram extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    .panels {
      display: grid;
      grid-template-columns: repeat(3, minmax(0, 1fr));
      gap: 1rem;
    }
    @media (max-width: 52rem) {
      .panels {
        grid-template-columns: minmax(0, 1fr);
      }
      svg {
        max-width: 22rem;
      }
    }
    figure {
      margin: 0;
      padding: 0.6rem;
      border: 1px solid var(--rule);
      border-radius: 0.5rem;
      background: #fff;
    }
    figure.on {
      border: 2px solid var(--focus);
    }
    h4 {
      margin: 0 0 0.2rem;
      font-size: 0.95rem;
    }
    .model {
      margin: 0 0 0.4rem;
      font-size: 0.78rem;
      color: var(--muted);
      font-family: var(--font-mono);
    }
    svg {
      display: block;
      width: 100%;
      height: auto;
      font: 14px var(--font-sans);
    }
    figcaption {
      font-size: 0.85rem;
      line-height: 1.45;
      margin-top: 0.4rem;
    }
    .keys {
      display: flex;
      flex-wrap: wrap;
      gap: 0.2rem 1rem;
      margin: 0.6rem 0 0;
      padding: 0;
      list-style: none;
      font-size: 0.82rem;
    }
    .keys li::before {
      content: '';
      display: inline-block;
      width: 0.75rem;
      height: 0.75rem;
      margin-right: 0.3rem;
      vertical-align: -0.1rem;
      border-radius: 2px;
      background: var(--key);
    }
  `;

  /** The way to outline, or none. */
  @property() highlight: ConditioningWay | '' = '';

  render() {
    return html`
      <div class="panels">
        ${PANELS.map(
          (p) => html`<figure class=${this.highlight === p.id ? 'on' : ''} data-way=${p.id}>
            <h4 id="t-${p.id}">${p.title}</h4>
            <p class="model">${p.model}</p>
            <svg viewBox="0 0 300 340" role="img" aria-labelledby="t-${p.id} d-${p.id}">
              <desc id="d-${p.id}">${p.words}</desc>
              ${heads}${p.draw()}
            </svg>
            <figcaption aria-hidden="true">${p.words}</figcaption>
          </figure>`,
        )}
      </div>
      <ul class="keys" aria-hidden="true">
        <li style="--key:${PATCH}">patch tokens (the picture)</li>
        <li style="--key:${TEXT}">text</li>
        <li style="--key:${TIME}">timestep</li>
      </ul>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'conditioning-diagram': ConditioningDiagram;
  }
}
