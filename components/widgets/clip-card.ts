// <clip-card>: one clip with a heading, the judge's verdict under it, and
// optionally the judge's reading drawn over it (boxes, names, centroid paths)
// and which frames the model made and which were given.
//
//   <clip-card heading="Full DiT" .clip=${clip} .verdict=${clip.verdict} annotate
//       .made=${[8, 12]}></clip-card>
//
// Before a clip arrives it shows `placeholder`; a preview (a clip still being
// denoised) can be shown with `preview` set, and is labelled as such.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import './clip-player';
import type { Annotation } from './pixel-view';
import type { Frames } from '../../pipeline/text-to-video/vae';
import { describeReading, trackNoun } from '../../pipeline/world/read-frames';
import type { Verdict } from '../../pipeline/world/judge';

/** The judge's reading as annotations, per frame: a box and name round each object, its dot, and its centroid path. */
export function judgeAnnotations(verdict: Verdict): Annotation[][] {
  const out: Annotation[][] = [];
  const tracks = verdict.reading.tracks;
  for (let f = 0; f < verdict.reading.numFrames; f++) {
    const list: Annotation[] = [];
    for (const track of tracks) {
      const path = track.frames.filter((o) => o !== null).map((o) => [o!.centroid[0], o!.centroid[1]] as const);
      if (path.length > 1) list.push({ type: 'path', points: path });
      const o = track.frames[f];
      if (!o) continue;
      list.push({ type: 'box', x0: o.box.x0, y0: o.box.y0, x1: o.box.x1 - 1, y1: o.box.y1 - 1, label: trackNoun(track).replace(/^an? /, '') });
      list.push({ type: 'dot', x: o.centroid[0], y: o.centroid[1] });
    }
    out.push(list);
  }
  return out;
}

@customElement('clip-card')
export class ClipCard extends LitElement {
  static styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    h4 {
      margin: 0 0 0.35rem;
      font-size: 0.95rem;
      line-height: 1.3;
    }
    .sub {
      display: block;
      font-weight: 400;
      font-size: 0.82rem;
      color: var(--muted);
    }
    .placeholder {
      display: grid;
      place-items: center;
      aspect-ratio: 1;
      border-radius: 0.25rem;
      background: #1d1f24;
      color: #c9ccd3;
      font-size: 0.85rem;
      padding: 0.5rem;
      text-align: center;
    }
    .verdict {
      margin: 0.4rem 0 0;
      padding: 0.3rem 0.5rem;
      border-radius: 0.3rem;
      font-size: 0.85rem;
      line-height: 1.35;
      overflow-wrap: anywhere;
    }
    .verdict.pass {
      background: var(--accent-soft);
      border-left: 4px solid var(--accent);
    }
    .verdict.fail {
      background: var(--error-soft);
      border-left: 4px solid var(--error);
    }
    .verdict.preview {
      border-left: 4px solid var(--muted);
      color: var(--muted);
    }
    .frames {
      display: flex;
      gap: 2px;
      margin: 0.35rem 0 0;
      padding: 0;
      list-style: none;
    }
    .frames li {
      flex: 1 1 0;
      height: 0.45rem;
      border-radius: 1px;
      background: var(--rule);
    }
    .frames li.made {
      background: var(--accent);
    }
    .frames li.now {
      outline: 2px solid var(--ink);
      outline-offset: 1px;
    }
    .legend {
      margin: 0.2rem 0 0;
      font-size: 0.8rem;
      color: var(--muted);
    }
    .marks {
      display: inline-flex;
      align-items: center;
      gap: 0.3rem;
      margin-top: 0.2rem;
      font-size: 0.8rem;
      color: var(--muted);
      cursor: pointer;
    }
  `;

  @property() heading = '';
  /** A line under the heading (a model's training compute, a seed). */
  @property() subheading = '';
  @property({ attribute: false }) clip: Frames | null = null;
  @property({ attribute: false }) verdict: Verdict | null = null;
  /** Draw the judge's reading over the clip. */
  @property({ type: Boolean }) annotate = false;
  /** The frames [from, to) the model made, when others were given. */
  @property({ attribute: false }) made: readonly [number, number] | null = null;
  /** The clip is a preview (x̂₀ while denoising), not the result. */
  @property({ type: Boolean }) preview = false;
  @property() placeholder = 'Not made yet.';
  /** Frames a second. */
  @property({ type: Number }) fps = 4;

  @state() private frame = 0;
  /** The reader may hide the judge's marks (they cover the object they name). */
  @state() private marksHidden = false;
  private annotationsFor: { verdict: Verdict | null; list: Annotation[][] } = { verdict: null, list: [] };

  private annotations(): Annotation[][] {
    if (!this.annotate || !this.verdict || this.preview || this.marksHidden) return [];
    if (this.annotationsFor.verdict !== this.verdict) this.annotationsFor = { verdict: this.verdict, list: judgeAnnotations(this.verdict) };
    return this.annotationsFor.list;
  }

  private alt(): string {
    const c = this.clip!;
    const what = this.verdict && !this.preview ? `the judge reads ${describeReading(this.verdict.reading)}` : 'a preview while it is denoised';
    return `${this.heading ? `${this.heading}: ` : ''}${c.numFrames} frame${c.numFrames > 1 ? 's' : ''}; ${what}`;
  }

  private renderFrames() {
    const c = this.clip!;
    if (!this.made || c.numFrames < 2) return nothing;
    const [a, b] = this.made;
    const isMade = (f: number) => f >= a && f < b;
    return html`<ol class="frames" aria-hidden="true">
        ${Array.from({ length: c.numFrames }, (_, f) => html`<li class="${isMade(f) ? 'made' : ''} ${f === this.frame ? 'now' : ''}"></li>`)}
      </ol>
      <p class="legend">Frame ${this.frame + 1} of ${c.numFrames}: ${isMade(this.frame) ? 'made by the model' : 'given'} · made: ${a + 1}–${b}</p>`;
  }

  render() {
    const v = this.verdict;
    return html`
      ${this.heading ? html`<h4>${this.heading}${this.subheading ? html`<span class="sub">${this.subheading}</span>` : nothing}</h4>` : nothing}
      ${this.clip
        ? html`<clip-player
            .rgb=${this.clip.frames}
            .frames=${this.clip.numFrames}
            .width=${this.clip.width}
            .height=${this.clip.height}
            .annotations=${this.annotations()}
            .fps=${this.fps}
            alt=${this.alt()}
            autoplay
            @frame-change=${(e: CustomEvent<{ frame: number }>) => (this.frame = e.detail.frame)}
          ></clip-player>
          ${this.renderFrames()}
          ${this.annotate && this.verdict && !this.preview
            ? html`<label class="marks"
                ><input type="checkbox" .checked=${!this.marksHidden} @change=${(e: Event) => (this.marksHidden = !(e.target as HTMLInputElement).checked)} />
                The judge's marks</label
              >`
            : nothing}`
        : html`<div class="placeholder" role="img" aria-label=${this.placeholder}>${this.placeholder}</div>`}
      ${this.preview && this.clip
        ? html`<p class="verdict preview">Still denoising: this is the model's current guess of the clean clip.</p>`
        : v
          ? html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" data-pass=${v.pass ? 'true' : 'false'}>
              <strong>${v.pass ? 'PASS' : 'FAIL'}</strong> — ${v.pass ? describeReading(v.reading) : v.reasons.join('; ')}
            </p>`
          : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'clip-card': ClipCard;
  }
}
