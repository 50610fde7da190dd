// <dit-diagram>: the whole Diffusion Transformer, drawn with its real sizes:
// the noisy latent cut into patches, embedded with positions, through `depth`
// blocks (adaLN-Zero from the timestep, self-attention, cross-attention to the
// prompt's states, MLP), then the output head (a last adaLN, a linear layer,
// unpatchify) back to a prediction the latent's shape. Every size is read from
// the anatomy given (pipeline/lessons/denoiser-anatomy.ts). Parts that a
// figure of the page shows live link to it (in-page figure links, given by the
// chapter); the same parts, sizes, parameters and links are listed in words
// under the drawing, which is what a screen reader and the keyboard use.
//
//   <dit-diagram .anatomy=${ditAnatomy(DIT_CONFIG, image)} .links=${{ patchify: { href: '#spacetime-patches--patches', label: 'chapter 5' } }}></dit-diagram>
import { LitElement, html, nothing, svg, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { CONTEXT_TOKENS, ditAnatomy, shortCount, type DitAnatomy } from '../../pipeline/lessons/denoiser-anatomy';
import { arrow, arrowHeads, box, boxHeight, diagramStyles, INK, label, MUTED, PATCH, TEXT, TIME } from './diagram-svg';

/** The parts a link may be given for. */
export type DitLinkPart = 'patchify' | 'text' | 'adaln' | 'self' | 'cross' | 'head';

export interface FigureLinkTo {
  href: string;
  /** Where it goes, in words: "chapter 4’s patches". */
  label: string;
}

const W = 400;
const MAIN = { x: 8, w: 236 };
const SIDE = { x: 262, w: 130 };
const GAP = 12;

@customElement('dit-diagram')
export class DitDiagram extends LitElement {
  static styles = diagramStyles;

  /** The DiT's sizes for one frame (an image). */
  @property({ attribute: false }) anatomy: DitAnatomy | null = null;
  /** Frames of the clip whose token count is given beside the image's. */
  @property({ type: Number }) clipFrames = 8;
  /** The figures that show parts live. */
  @property({ attribute: false }) links: Partial<Record<DitLinkPart, FigureLinkTo>> = {};

  private href(part: DitLinkPart): string | undefined {
    return this.links[part]?.href;
  }

  private drawing(a: DitAnatomy) {
    const c = a.config;
    const { channels: C } = c;
    const { height: H, width: Wd } = a.latent;
    const perFrame = a.grid.h * a.grid.w;
    const clipTokens = ditAnatomy(c, { ...a.latent, frames: this.clipFrames * c.patch.pt }).tokens;
    const shape = `F × ${C} × ${H} × ${Wd}`;
    const cx = MAIN.x + MAIN.w / 2;
    const parts: TemplateResult[] = [];
    let y = 8;
    const main = (name: string, lines: string[], o: Parameters<typeof box>[5] = {}) => {
      const top = y;
      parts.push(box(MAIN.x, top, MAIN.w, name, lines, { colour: PATCH, ...o }));
      y += boxHeight(lines.length);
      return top;
    };
    const down = () => {
      parts.push(arrow([[cx, y], [cx, y + GAP]], PATCH));
      y += GAP;
    };
    main('noisy latent zₜ', [shape], { fill: '#e8f0fb', part: 'latent' });
    down();
    const patchTop = main('patchify', [`${c.patch.pt} × ${c.patch.ph} × ${c.patch.pw} patches of ${C} channels`, `${perFrame} tokens a frame, ${clipTokens} for ${this.clipFrames}`], { href: this.href('patchify'), part: 'patchify' });
    // the timestep, beside patchify: its embedding c steers every block and the head
    parts.push(box(SIDE.x, patchTop, SIDE.w, 'timestep t', [`${c.freqDim} sin-cos`, `→ MLP → c (${c.width})`], { colour: TIME, fill: '#e7f2ee', part: 'timestep' }));
    const cTop = patchTop + boxHeight(2);
    down();
    main('embed + positions', [`Linear ${a.patchDim} → ${c.width} a token`, `+ sin-cos of (t, row, col)`], { part: 'embed' });
    y += 14;
    // the blocks
    const blockTop = y;
    y += 40;
    const selfTop = main('self-attention', [`x += gate₁ · Attn(mod₁(LN x))`, `${c.heads} heads × ${a.headDim}, every token`], { href: this.href('self'), part: 'self' });
    down();
    const crossTop = main('cross-attention', [`x += CrossAttn(LN x, text)`, `Q: tokens · K, V: the prompt`], { href: this.href('cross'), part: 'cross', colour: TEXT, fill: '#fff7f2' });
    down();
    const mlpTop = main('MLP', [`x += gate₂ · MLP(mod₂(LN x))`, `${c.width} → ${a.mlpHidden} → ${c.width}, GELU`], { part: 'mlp' });
    y += 12;
    const blockBottom = y;
    // adaLN-Zero: one a block, from c
    const adaTop = selfTop;
    parts.push(box(SIDE.x, adaTop, SIDE.w, 'adaLN-Zero', [`c → ${a.blockModulation} × ${c.width}:`, 'shift, scale,', 'gate ×2'], { colour: TIME, fill: '#e7f2ee', href: this.href('adaln'), part: 'adaln' }));
    const adaBottom = adaTop + boxHeight(3);
    const xc = SIDE.x + SIDE.w / 2;
    parts.push(arrow([[xc, cTop], [xc, adaTop]], TIME));
    parts.push(label(xc + 6, (cTop + blockTop) / 2 + 4, 'c', TIME, 'start', 'name'));
    parts.push(arrow([[SIDE.x, selfTop + 26], [MAIN.x + MAIN.w, selfTop + 26]], TIME, true));
    const lane = (MAIN.x + MAIN.w + SIDE.x) / 2;
    parts.push(arrow([[SIDE.x + 14, adaBottom], [SIDE.x + 14, adaBottom + 8], [lane, adaBottom + 8], [lane, mlpTop + 26], [MAIN.x + MAIN.w, mlpTop + 26]], TIME, true));
    // the prompt's states, beside cross-attention
    const textTop = Math.max(crossTop, adaBottom + 16);
    parts.push(box(SIDE.x, textTop, SIDE.w, 'prompt', ['text encoder:', `${CONTEXT_TOKENS} × ${c.contextDim}`], { colour: TEXT, fill: '#fbeee8', href: this.href('text'), part: 'text' }));
    parts.push(arrow([[SIDE.x, textTop + 30], [MAIN.x + MAIN.w, textTop + 30]], TEXT));
    const step = Math.min(24, 240 / c.depth);
    const block = svg`
      <rect x="4" y=${blockTop} width=${W - 8} height=${blockBottom - blockTop} rx="10" fill="#f4f5f7" stroke="#b9bdc6" stroke-dasharray="6 4"></rect>
      <text x="14" y=${blockTop + 24} class="name" fill=${INK}>${c.depth} blocks</text>
      ${Array.from({ length: c.depth }, (_, i) => svg`<g data-block=${i + 1}>
        <rect x=${104 + i * step} y=${blockTop + 9} width=${step - 4} height="20" rx="3" fill="#fff" stroke=${MUTED}></rect>
        <text x=${104 + i * step + (step - 4) / 2} y=${blockTop + 24} text-anchor="middle" class="note" fill=${MUTED}>${i + 1}</text></g>`)}
      ${label(104 + c.depth * step + 4, blockTop + 24, 'each:', MUTED, 'start')}`;
    parts.unshift(block);
    parts.push(arrow([[cx, blockBottom - 12], [cx, blockBottom + GAP]], PATCH));
    y = blockBottom + GAP;
    // the output head
    const headTop = y;
    main('final adaLN', ['LN, then shift, scale from c'], { part: 'final-adaln' });
    down();
    main('linear', [`${c.width} → ${a.patchDim} numbers a token`, 'starts at zero'], { part: 'linear' });
    down();
    main('unpatchify', [`each token back to its patch`], { part: 'unpatchify' });
    const headBottom = y;
    down();
    main('prediction v̂', [shape], { fill: '#e8f0fb', part: 'output' });
    const bx = SIDE.x + 4;
    parts.push(svg`<path d="M${bx} ${headTop} q8 0 8 8 V${(headTop + headBottom) / 2 - 6} l6 6 l-6 6 V${headBottom - 8} q0 8 -8 8" fill="none" stroke=${MUTED} stroke-width="1.5"></path>`);
    const headLink = this.href('head');
    const headLabel = svg`${label(bx + 22, (headTop + headBottom) / 2 - 6, 'output head', INK, 'start', 'name')}${label(bx + 22, (headTop + headBottom) / 2 + 12, `${shortCount(a.params.final)} params`, MUTED, 'start')}`;
    parts.push(headLink ? svg`<a href=${headLink} tabindex="-1" data-part="head" class="linked">${headLabel}</a>` : headLabel);
    parts.push(label(SIDE.x + SIDE.w, 30, `${shortCount(a.params.total)}`, INK, 'end', 'name'), label(SIDE.x + SIDE.w, 48, 'parameters', MUTED, 'end'));
    return { parts, height: y + 8 };
  }

  private list(a: DitAnatomy) {
    const c = a.config;
    const link = (part: DitLinkPart) => {
      const l = this.links[part];
      return l ? html` — live in <a href=${l.href} data-link=${part}>${l.label}</a>` : nothing;
    };
    const p = a.params;
    const n = (x: number) => html`<span class="params">(${x.toLocaleString('en-US')} parameters)</span>`;
    return html`<ol class="parts">
      <li><strong>Patchify</strong>: the noisy latent (F × ${c.channels} × ${a.latent.height} × ${a.latent.width}) cut into ${c.patch.pt} × ${c.patch.ph} × ${c.patch.pw} patches, ${a.grid.h * a.grid.w} tokens a frame${link('patchify')}.</li>
      <li><strong>Embed and positions</strong>: each patch’s ${a.patchDim} numbers → ${c.width} by one linear layer, plus fixed sin-cos features of its (time, row, column): ${a.positions.t} + ${a.positions.h} + ${a.positions.w} of the ${c.width} ${n(p.embed)}. The timestep: ${c.freqDim} sin-cos features → MLP → <em>c</em> ${n(p.timestep)}.</li>
      <li><strong>${c.depth} blocks</strong>, each ${n(p.block)}:
        adaLN-Zero, <em>c</em> → ${a.blockModulation} vectors of ${c.width}${link('adaln')};
        self-attention, ${c.heads} heads of ${a.headDim} over every token${link('self')};
        cross-attention from the tokens to the prompt’s ${CONTEXT_TOKENS} states of ${c.contextDim}${link('cross')}${this.links.text ? html` (the states: <a href=${this.links.text.href} data-link="text">${this.links.text.label}</a>)` : nothing};
        MLP ${c.width} → ${a.mlpHidden} → ${c.width}.</li>
      <li><strong>Output head</strong>: a last adaLN (shift and scale from <em>c</em>), a linear layer ${c.width} → ${a.patchDim}, unpatchify ${n(p.final)}${link('head')}.</li>
    </ol>`;
  }

  render() {
    const a = this.anatomy;
    if (!a) return nothing;
    const { parts, height } = this.drawing(a);
    return html`<figure>
      <svg viewBox="0 0 ${W} ${height}" aria-hidden="true" data-depth=${a.config.depth}>
        ${arrowHeads}${parts}
      </svg>
      ${this.list(a)}
    </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dit-diagram': DitDiagram;
  }
}
