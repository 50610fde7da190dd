// <plot-chart>: an Observable Plot chart that is built once and then updated
// cheaply. `spec` makes the Plot options for a width; the chart is rebuilt only
// when `spec` changes (a new function) or the width does. `overlay` holds
// marks drawn over it with the chart's own scales — a rule at the current t,
// dots on the curves, histogram bars, thousands of particles and their paths —
// and changing it redraws only the overlay, never the Plot.
//
//   <plot-chart .spec=${(w) => ({ width: w, height: 220, marks: [Plot.line(curve, …)] })}
//       .overlay=${[{ type: 'ruleX', x: t }, { type: 'dot', x: t, y: alphaBar[t] }]}
//       alt="ᾱ_t against t; at t = 500, ᾱ_t = 0.08"></plot-chart>
//
// With `pointer`, the chart is also an input: a click, a drag or the keyboard
// (arrow keys move a cross-hair, Enter or Space adds a point there) fires
// `chart-pointer` with the point in data coordinates.
import * as Plot from '@observablehq/plot';
import { LitElement, css, html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';

/**
 * The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"): eight colours that stay
 * apart for the common colour-vision deficiencies. Series in a chart take them in this order.
 */
export const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'] as const;

/** Colours the charts share (SVG attributes cannot read CSS custom properties); series colours are Okabe–Ito. */
export const CHART_COLOURS = {
  ink: '#1d1f24',
  muted: '#596070',
  faint: '#b9bdc6',
  signal: OKABE_ITO[0],
  noise: OKABE_ITO[1],
  accent: OKABE_ITO[2],
  data: '#7c8290',
  particles: OKABE_ITO[0],
  samples: OKABE_ITO[1],
  field: OKABE_ITO[2],
} as const;

/** The left and right margins Plot will use for these options (its defaults where unset). */
function horizontalMargins(o: Plot.PlotOptions): number {
  const left = o.marginLeft ?? o.margin ?? 40;
  const right = o.marginRight ?? o.margin ?? 20;
  return left + right;
}

export type ChartSpec = (size: { width: number }) => Plot.PlotOptions;

export type ChartOverlay =
  /** A vertical rule across the frame at x, with an optional label beside its foot. */
  | { type: 'ruleX'; x: number; stroke?: string; label?: string }
  /** A dot, with an optional label beside it. */
  | { type: 'dot'; x: number; y: number; fill?: string; r?: number; label?: string; anchor?: 'start' | 'end' }
  /** Bars from y = 0 up to y (a histogram); a bar taller than the frame is cut and its height written on it. */
  | { type: 'bars'; x1: ArrayLike<number>; x2: ArrayLike<number>; y: ArrayLike<number>; fill?: string; opacity?: number }
  /** Many points, interleaved x, y (drawn on a canvas; needs linear x and y scales). */
  | { type: 'points'; xy: ArrayLike<number>; fill?: string; r?: number; opacity?: number }
  /** Many polylines, each interleaved x, y (drawn on a canvas; needs linear x and y scales). */
  | { type: 'paths'; paths: readonly ArrayLike<number>[]; stroke?: string; opacity?: number; width?: number };

export interface ChartPointerDetail {
  x: number;
  y: number;
  /** down / move / up from a pointer; key from Enter or Space at the keyboard cross-hair. */
  phase: 'down' | 'move' | 'up' | 'key';
}

interface Frame {
  x: Plot.Scale;
  y: Plot.Scale;
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

@customElement('plot-chart')
export class PlotChart extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    .wrap {
      position: relative;
      width: 100%;
      touch-action: none;
    }
    .wrap:not(.pointer) {
      touch-action: auto;
    }
    .wrap.pointer {
      cursor: crosshair;
      /* a drag draws points; it does not select the axes' tick labels */
      user-select: none;
      -webkit-user-select: none;
    }
    .wrap:focus-visible {
      outline: 3px solid var(--focus);
      outline-offset: 2px;
      border-radius: 0.3rem;
    }
    .plot > svg {
      display: block;
    }
    canvas,
    svg.marks {
      position: absolute;
      left: 0;
      top: 0;
      pointer-events: none;
    }
    svg.marks {
      overflow: visible;
    }
    .marks text {
      font: 600 12px var(--font-sans);
      paint-order: stroke;
      stroke: #fff;
      stroke-width: 3px;
      stroke-linejoin: round;
    }
    .empty {
      color: var(--muted);
      font-style: italic;
      margin: 0;
    }
  `;

  /** Makes the Plot options for a width in CSS pixels; a new function rebuilds the chart. */
  @property({ attribute: false }) spec: ChartSpec | null = null;
  /** Marks drawn over the chart with its scales; changing them never rebuilds the chart. */
  @property({ attribute: false }) overlay: readonly ChartOverlay[] = [];
  /** Text alternative: what the chart shows, in words. */
  @property() alt = '';
  /** Accept points from a pointer and from the keyboard (see `chart-pointer`). */
  @property({ type: Boolean }) pointer = false;
  /** Keyboard help, read after `alt` when `pointer` is set. */
  @property() instructions = 'Click or drag to add points; or move the cross-hair with the arrow keys (Shift for bigger steps) and press Enter to add one.';

  /** How many times the Plot was built, and the overlay drawn; when the overlay was last drawn. For tests and benchmarks. */
  builds = 0;
  overlayDraws = 0;
  overlayAt = 0;

  @state() private frame: Frame | null = null;
  @state() private cursor: [number, number] | null = null;
  @state() private focused = false;
  @query('.plot') private plotHost!: HTMLDivElement;
  @query('canvas') private canvas!: HTMLCanvasElement;

  private width = 0;
  private builtFor: { spec: ChartSpec | null; width: number } = { spec: null, width: 0 };
  private resize: ResizeObserver | null = null;
  private dragging = false;

  connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && w !== this.width) {
        this.width = w;
        this.requestUpdate();
      }
    });
    this.resize.observe(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.resize = null;
  }

  /** Data coordinates → CSS pixels inside the chart (null before it is built). */
  toPixels(x: number, y: number): [number, number] | null {
    const f = this.frame;
    return f ? [f.x.apply(x), f.y.apply(y)] : null;
  }

  private build() {
    const host = this.plotHost;
    if (!host) return;
    if (!this.spec || this.width <= 0) return;
    const options = this.spec({ width: this.width });
    // A passing layout (a resize, a screenshot, a phone turning) can leave less room than the
    // chart's own margins, where Plot draws rects of negative width: keep the last drawing.
    if (this.width - horizontalMargins(options) < 8) return;
    host.replaceChildren();
    this.frame = null;
    const el = Plot.plot({
      ...options,
      width: options.width ?? this.width,
      style: { fontSize: '13px', fontFamily: 'var(--font-sans)', background: 'transparent', overflow: 'visible', ...(typeof options.style === 'object' ? options.style : {}) },
    });
    const svgEl = el instanceof SVGSVGElement ? el : el.querySelector('svg');
    el.setAttribute('aria-hidden', 'true');
    host.append(el);
    this.builds++;
    const x = el.scale('x'), y = el.scale('y');
    if (!svgEl || !x || !y) return;
    const width = Number(svgEl.getAttribute('width')), height = Number(svgEl.getAttribute('height'));
    const [l, r] = (x.range as number[]) ?? [0, width];
    const [b, t] = (y.range as number[]) ?? [height, 0];
    this.frame = { x, y, width, height, left: Math.min(l, r), right: Math.max(l, r), top: Math.min(t, b), bottom: Math.max(t, b) };
  }

  protected updated(changed: PropertyValues<this>) {
    let rebuilt = false;
    if (this.spec !== this.builtFor.spec || this.width !== this.builtFor.width) {
      this.builtFor = { spec: this.spec, width: this.width };
      this.build();
      rebuilt = true;
    }
    if (rebuilt || changed.has('overlay')) this.drawCanvas();
  }

  private drawCanvas() {
    const f = this.frame, canvas = this.canvas;
    if (!canvas) return;
    const dpr = Math.min(3, window.devicePixelRatio || 1);
    if (!f) {
      canvas.width = canvas.height = 0;
      return;
    }
    const W = Math.round(f.width * dpr), H = Math.round(f.height * dpr);
    if (canvas.width !== W || canvas.height !== H) {
      canvas.width = W;
      canvas.height = H;
      canvas.style.width = `${f.width}px`;
      canvas.style.height = `${f.height}px`;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, W, H);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.save();
    ctx.beginPath();
    ctx.rect(f.left, f.top, f.right - f.left, f.bottom - f.top);
    ctx.clip();
    // Linear scales: apply(v) = a·v + b, read once, so thousands of points cost no function calls.
    const ax = f.x.apply(1) - f.x.apply(0), bx = f.x.apply(0);
    const ay = f.y.apply(1) - f.y.apply(0), by = f.y.apply(0);
    for (const o of this.overlay) {
      if (o.type === 'paths') {
        ctx.strokeStyle = o.stroke ?? CHART_COLOURS.particles;
        ctx.globalAlpha = o.opacity ?? 0.35;
        ctx.lineWidth = o.width ?? 1;
        ctx.lineJoin = 'round';
        ctx.beginPath();
        for (const p of o.paths) {
          for (let i = 0; i + 1 < p.length; i += 2) {
            const px = ax * p[i] + bx, py = ay * p[i + 1] + by;
            if (i === 0) ctx.moveTo(px, py);
            else ctx.lineTo(px, py);
          }
        }
        ctx.stroke();
      } else if (o.type === 'points') {
        ctx.fillStyle = o.fill ?? CHART_COLOURS.particles;
        ctx.globalAlpha = o.opacity ?? 0.8;
        const r = o.r ?? 2;
        ctx.beginPath();
        for (let i = 0; i + 1 < o.xy.length; i += 2) {
          const px = ax * o.xy[i] + bx, py = ay * o.xy[i + 1] + by;
          ctx.moveTo(px + r, py);
          ctx.arc(px, py, r, 0, 2 * Math.PI);
        }
        ctx.fill();
      }
    }
    ctx.restore();
    this.overlayDraws++;
    this.overlayAt = performance.now();
  }

  private marks() {
    const f = this.frame;
    if (!f) return nothing;
    const X = (v: number) => f.x.apply(v) as number;
    const Y = (v: number) => f.y.apply(v) as number;
    const yTop = f.top;
    const items = this.overlay.map((o) => {
      switch (o.type) {
        case 'ruleX': {
          const x = X(o.x);
          if (!Number.isFinite(x)) return nothing;
          return svg`<line x1=${x} x2=${x} y1=${f.top} y2=${f.bottom} stroke=${o.stroke ?? CHART_COLOURS.ink} stroke-width="1.5" stroke-dasharray="4 3"></line>
            ${o.label ? svg`<text x=${x > (f.left + f.right) / 2 ? x - 5 : x + 5} y=${f.bottom - 6} text-anchor=${x > (f.left + f.right) / 2 ? 'end' : 'start'} fill=${o.stroke ?? CHART_COLOURS.ink}>${o.label}</text>` : nothing}`;
        }
        case 'dot': {
          const x = X(o.x);
          let y = Y(o.y);
          if (!Number.isFinite(x)) return nothing;
          if (!Number.isFinite(y)) y = o.y > 0 ? f.top : f.bottom; // ±∞ (log SNR at ᾱ = 0 or 1): at the frame's edge
          y = Math.min(f.bottom, Math.max(f.top, y));
          const end = o.anchor === 'end' || (o.anchor === undefined && x > (f.left + f.right) / 2);
          return svg`<circle cx=${x} cy=${y} r=${o.r ?? 4.5} fill=${o.fill ?? CHART_COLOURS.ink} stroke="#fff" stroke-width="1.5"></circle>
            ${o.label ? svg`<text x=${end ? x - 8 : x + 8} y=${y - 7} text-anchor=${end ? 'end' : 'start'} fill=${o.fill ?? CHART_COLOURS.ink}>${o.label}</text>` : nothing}`;
        }
        case 'bars': {
          const y0 = Y(0);
          const rects = [];
          for (let i = 0; i < o.y.length; i++) {
            const x1 = X(o.x1[i]), x2 = X(o.x2[i]);
            const v = o.y[i];
            if (!(v > 0)) continue;
            const yv = Y(v);
            const cut = yv < yTop;
            const top = cut ? yTop : yv;
            rects.push(svg`<rect x=${x1 + 0.5} width=${Math.max(0, x2 - x1 - 1)} y=${top} height=${Math.max(0, y0 - top)}
              fill=${o.fill ?? CHART_COLOURS.signal} fill-opacity=${o.opacity ?? 0.55}></rect>`);
            if (cut) {
              rects.push(svg`<text x=${(x1 + x2) / 2} y=${yTop + 14} text-anchor="middle" fill=${CHART_COLOURS.ink}>↑${v.toFixed(1)}</text>`);
            }
          }
          return rects;
        }
        default:
          return nothing;
      }
    });
    const c = this.pointer && this.focused && this.cursor ? this.cursor : null;
    const cursor = c
      ? svg`<g stroke=${CHART_COLOURS.ink} stroke-width="1.5"><line x1=${X(c[0]) - 10} x2=${X(c[0]) + 10} y1=${Y(c[1])} y2=${Y(c[1])}></line>
          <line x1=${X(c[0])} x2=${X(c[0])} y1=${Y(c[1]) - 10} y2=${Y(c[1]) + 10}></line>
          <circle cx=${X(c[0])} cy=${Y(c[1])} r="6" fill="none"></circle></g>`
      : nothing;
    return svg`${items}${cursor}`;
  }

  // ---------------------------------------------------------------- input

  private dataPoint(e: PointerEvent): [number, number] | null {
    const f = this.frame;
    if (!f?.x.invert || !f.y.invert) return null;
    const svgEl = this.plotHost?.querySelector('svg');
    if (!svgEl) return null;
    const rect = svgEl.getBoundingClientRect();
    const k = rect.width > 0 ? f.width / rect.width : 1;
    const px = (e.clientX - rect.left) * k, py = (e.clientY - rect.top) * k;
    if (px < f.left || px > f.right || py < f.top || py > f.bottom) return null;
    return [f.x.invert(px) as number, f.y.invert(py) as number];
  }

  private emit(x: number, y: number, phase: ChartPointerDetail['phase']) {
    this.dispatchEvent(new CustomEvent<ChartPointerDetail>('chart-pointer', { detail: { x, y, phase }, bubbles: true, composed: true }));
  }

  private onPointerDown(e: PointerEvent) {
    if (!this.pointer || e.button !== 0) return;
    const p = this.dataPoint(e);
    if (!p) return;
    this.dragging = true;
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    this.emit(p[0], p[1], 'down');
  }

  private onPointerMove(e: PointerEvent) {
    if (!this.pointer || !this.dragging) return;
    const p = this.dataPoint(e);
    if (p) this.emit(p[0], p[1], 'move');
  }

  private onPointerUp(e: PointerEvent) {
    if (!this.dragging) return;
    this.dragging = false;
    const p = this.dataPoint(e);
    if (p) this.emit(p[0], p[1], 'up');
  }

  private onKey(e: KeyboardEvent) {
    const f = this.frame;
    if (!this.pointer || !f?.x.invert || !f.y.invert) return;
    const xd = f.x.domain as number[], yd = f.y.domain as number[];
    const c = this.cursor ?? [(xd[0] + xd[1]) / 2, (yd[0] + yd[1]) / 2];
    const step = ((xd[1] - xd[0]) / 40) * (e.shiftKey ? 5 : 1);
    const clampX = (v: number) => Math.min(Math.max(xd[0], xd[1]), Math.max(Math.min(xd[0], xd[1]), v));
    const clampY = (v: number) => Math.min(Math.max(yd[0], yd[1]), Math.max(Math.min(yd[0], yd[1]), v));
    let next: [number, number] | null = null;
    if (e.key === 'ArrowLeft') next = [clampX(c[0] - step), c[1]];
    else if (e.key === 'ArrowRight') next = [clampX(c[0] + step), c[1]];
    else if (e.key === 'ArrowUp') next = [c[0], clampY(c[1] + step)];
    else if (e.key === 'ArrowDown') next = [c[0], clampY(c[1] - step)];
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.cursor = c;
      this.emit(c[0], c[1], 'key');
      return;
    }
    if (next) {
      e.preventDefault();
      this.cursor = next;
    }
  }

  render() {
    const label = this.pointer ? `${this.alt} ${this.instructions}` : this.alt;
    return html`
      <div
        class="wrap ${this.pointer ? 'pointer' : ''}"
        role=${this.pointer ? 'application' : 'img'}
        aria-label=${label || 'chart'}
        tabindex=${this.pointer ? '0' : nothing}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointercancel=${this.onPointerUp}
        @keydown=${this.onKey}
        @focus=${() => (this.focused = true)}
        @blur=${() => (this.focused = false)}
      >
        <div class="plot"></div>
        <canvas aria-hidden="true"></canvas>
        <svg class="marks" aria-hidden="true" width=${this.frame?.width ?? 0} height=${this.frame?.height ?? 0}>${this.marks()}</svg>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'plot-chart': PlotChart;
  }
  interface HTMLElementEventMap {
    'chart-pointer': CustomEvent<ChartPointerDetail>;
  }
}
