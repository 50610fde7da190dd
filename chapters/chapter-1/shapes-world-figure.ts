// <shapes-world-figure>: the world every model here learns from. A caption (typed,
// picked, or a training example's, with parts dropped at random as in training)
// drawn as a clip or an image by the Shapes World, and the judge's reading of it
// drawn over its frames: boxes, labels and the centroids' paths, with its verdict.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/clip-player';
import '../../components/shell/live-cell';
import { setFigureState } from '../../components/figure/figure-state';
import type { Annotation } from '../../components/widgets/pixel-view';
import { controls, fields, layout, prose, verdicts } from '../../components/styles';
import { createRandom } from '../../pipeline/random';
import { captionText, dropParts, generateClip, judgeClip, parsePrompt, phraseOf, type Clip, type Verdict } from '../../pipeline/world';
import { describeReading, trackNoun } from '../../pipeline/world/read-frames';
import { chapter1Styles, WORLD_PARAMS, type Chapter1State } from './state';

const EXAMPLE_CAPTIONS = [
  'a red circle moving right',
  'a big blue square in the top left',
  'a small yellow triangle moving up and a big cyan circle staying still',
  'a green triangle and a purple square',
  'a purple circle moving down',
  'a big cyan square staying still',
];

/** What the world cell shows: the clip (none when the caption cannot be drawn), the judge's verdict and reading, and notes. */
interface WorldView {
  key: string;
  clip: Clip | null;
  caption: string;
  verdict: Verdict | null;
  annotations: Annotation[][];
  message: string;
  note: string;
}

const worldKey = (s: Chapter1State) => `${s.example}|${s.clip}|${s.example === 'on' ? '' : s.caption}`;

/** The clip the state asks for (a training example, or the caption drawn with the seed), judged. */
function worldView(s: Chapter1State): WorldView {
  const view: WorldView = { key: worldKey(s), clip: null, caption: s.caption, verdict: null, annotations: [], message: '', note: '' };
  try {
    let clip: Clip;
    if (s.example === 'on') {
      clip = generateClip(s.clip, { frames: 8 });
      const rng = createRandom(`training caption ${s.clip}`);
      view.caption = captionText(clip.objects.map((o) => dropParts(phraseOf(o), rng)));
      view.note = `Training example #${s.clip}: its full description is “${clip.caption}”; the caption drops parts at random, as in training.`;
    } else {
      const parsed = parsePrompt(s.caption);
      if (parsed.phrases.length === 0) {
        view.message = `Nothing to draw: ${parsed.problems.join('; ') || 'the caption names no shape'}. Try “${EXAMPLE_CAPTIONS[0]}”.`;
        return view;
      }
      let phrases = parsed.phrases;
      const image = phrases.some((p) => p.position);
      if (image && phrases.some((p) => p.motion)) {
        phrases = phrases.map(({ motion: _motion, ...p }) => p);
        view.note = 'A position is stated only for images and a motion only for clips: the motion was left out, and this is an image.';
      }
      if (!parsed.ok) view.note = `Read as “${captionText(phrases)}”; the rest is outside the world's grammar (${parsed.problems.join('; ')}).`;
      clip = generateClip(s.clip, { frames: image ? 1 : 8, phrases });
      view.caption = s.caption;
    }
    view.clip = clip;
    view.verdict = judgeClip(clip.frames, clip.numFrames, clip.width, clip.height, s.example === 'on' ? view.caption : parsePrompt(s.caption).ok ? s.caption : clip.objects.map(phraseOf));
    view.annotations = annotate(view.verdict, clip.numFrames);
  } catch (error) {
    view.message = `The world cannot draw this: ${error instanceof Error ? error.message : String(error)}.`;
  }
  return view;
}

/** Boxes, labels and centroid paths of the judge's reading, per frame, in pixel coordinates. */
function annotate(verdict: Verdict, frames: number): Annotation[][] {
  const out: Annotation[][] = [];
  const tracks = verdict.reading.tracks;
  for (let f = 0; f < frames; f++) {
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

@customElement('shapes-world-figure')
export class ShapesWorldFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    fields,
    verdicts,
    chapter1Styles,
    css`
      .world {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(12rem, 17rem);
        gap: 1rem 1.5rem;
        align-items: start;
      }
      @media (max-width: 40rem) {
        .world {
          grid-template-columns: minmax(0, 1fr);
        }
      }
      .verdict {
        margin: 0.75rem 0 0;
        padding: 0.5rem 0.75rem;
        border-radius: 0.3rem;
        font-size: 0.95rem;
        max-width: none;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter1State;

  private world: WorldView | null = null;

  private set(partial: Partial<Chapter1State>) {
    setFigureState(this, partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    if (this.world?.key !== worldKey(this.state)) this.world = worldView(this.state);
  }

  render() {
    const s = this.state;
    const w = this.world!;
    const caption = s.example === 'on' ? w.caption : s.caption;
    return html`<live-cell label="The Shapes World, read by the judge" .params=${WORLD_PARAMS}>
      <div class="world">
        <div class="stack">
          <div class="field">
            <label for="caption">Caption</label>
            <input
              id="caption"
              type="text"
              maxlength="160"
              autocomplete="off"
              spellcheck="false"
              .value=${caption}
              @input=${(e: Event) => this.set({ caption: (e.target as HTMLInputElement).value, example: 'off' })}
            />
          </div>
          <div class="field">
            <label for="examples">Or pick one</label>
            <select
              id="examples"
              @change=${(e: Event) => {
                const v = (e.target as HTMLSelectElement).value;
                if (v) this.set({ caption: v, example: 'off' });
                (e.target as HTMLSelectElement).value = '';
              }}
            >
              <option value="">— example captions —</option>
              ${EXAMPLE_CAPTIONS.map((c) => html`<option value=${c}>${c}</option>`)}
            </select>
          </div>
          <div class="row">
            <button type="button" @click=${() => this.set({ clip: (s.clip + 1) % 100_000 })}>${s.example === 'on' ? 'Next example' : 'Another sample'}</button>
            ${s.example === 'on'
              ? html`<button type="button" @click=${() => this.set({ clip: (s.clip + 99_999) % 100_000 })}>Previous example</button>
                  <button type="button" @click=${() => this.set({ example: 'off', caption: w.caption })}>Edit this caption</button>`
              : html`<button type="button" @click=${() => this.set({ example: 'on' })}>Show training examples</button>`}
          </div>
          ${w.note ? html`<p class="muted" role="status">${w.note}</p>` : nothing}
          ${w.message ? html`<p class="notice" role="status" id="world-message">${w.message}</p>` : nothing}
          ${w.verdict
            ? html`<p class="verdict ${w.verdict.pass ? 'pass' : 'fail'}" id="verdict">
                <strong>The judge:</strong> ${w.verdict.pass ? `PASS — ${describeReading(w.verdict.reading)}` : `FAIL — ${w.verdict.reasons.join('; ')}`}
              </p>`
            : nothing}
        </div>
        <div>
          ${w.clip
            ? html`<clip-player
                .rgb=${w.clip.frames}
                .frames=${w.clip.numFrames}
                .width=${w.clip.width}
                .height=${w.clip.height}
                .annotations=${w.annotations}
                alt=${`The judge reads: ${describeReading(w.verdict!.reading)}`}
                autoplay
              ></clip-player>`
            : nothing}
        </div>
      </div>
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'shapes-world-figure': ShapesWorldFigure;
  }
}
