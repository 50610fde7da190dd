// <shapes-figure>: the DiT asked for durations and an aspect ratio it never
// trained on: the same prompt and seed as clips of five shapes, each made in its
// own cell when the figure is first seen (and again for a new prompt or seed),
// with the world's judge on each.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/clip-player';
import '../../components/widgets/seed-control';
import '../../components/shell/live-cell';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { SeedDetail } from '../../components/widgets/seed-control';
import { controls, fields, layout, prose, verdicts } from '../../components/styles';
import { CLIP_SHAPES as SHAPES, promptForShape } from '../../pipeline/lessons/clip-shapes';
import type { Progress } from '../../pipeline/worker/protocol';
import type { Verdict } from '../../pipeline/world';
import { describeReading } from '../../pipeline/world/read-frames';
import { chapter4Styles, type Chapter4State } from './state';

const EXAMPLE_PROMPTS = ['a big red circle moving right', 'a blue square staying still', 'a small yellow triangle moving down', 'a green circle moving left and a purple square staying still'];

export interface ShapeResult {
  key: string;
  frames: Uint8Array;
  numFrames: number;
  width: number;
  height: number;
  prompt: string;
  verdict: Verdict | null;
}

/** The looks of a clip's verdict, and of progress lines, in chapter 4's cells of shapes and tally. */
export const shapeCellStyles = css`
  .verdict {
    margin: 0.5rem 0 0;
    padding: 0.35rem 0.6rem;
    border-radius: 0.3rem;
    font-size: 0.85rem;
    max-width: none;
  }
  .progress {
    font-size: 0.85rem;
    color: var(--muted);
    margin: 0.3rem 0 0;
  }
`;

@customElement('shapes-figure')
export class ShapesFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    fields,
    verdicts,
    chapter4Styles,
    shapeCellStyles,
    css`
      .shapes {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
        gap: 0 1rem;
      }
      .shapes live-cell {
        margin: 0.5rem 0;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter4State;
  @property({ attribute: false }) models!: ModelController;

  /** Each shape's clip, with the prompt and seed it was made for. */
  results: Partial<Record<string, ShapeResult>> = {};
  private steps: Partial<Record<string, string>> = {};
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 0,
    rootMargin: '200px',
    staysInView: true,
    key: () => (this.state ? `${this.state.prompt}|${this.state.seed}` : null),
    run: (key, current) => this.make(key, current),
  });

  /** The key of the clips the figure shows: prompt and seed. */
  get key(): string {
    return `${this.state.prompt}|${this.state.seed}`;
  }

  /** Makes the five clips for the current prompt and seed, unless made: resolves when they are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter4State>) {
    setFigureState(this, partial);
  }

  private cell(id: string): LiveCell {
    return this.renderRoot.querySelector<LiveCell>(`live-cell#shape-${id}`)!;
  }

  private async make(key: string, current: () => boolean) {
    const [prompt, seedText] = [key.slice(0, key.lastIndexOf('|')), key.slice(key.lastIndexOf('|') + 1)];
    const seed = Number(seedText);
    for (const sh of SHAPES) {
      if (!current()) return;
      const p = promptForShape(prompt, sh.frames);
      this.steps = { ...this.steps, [sh.id]: 'waiting for the DiT…' };
      await this.models.runTask(this.cell(sh.id), async ({ request }) => {
        const onProgress = (pr: Progress) => {
          if (pr.kind === 'step') this.steps = { ...this.steps, [sh.id]: `step ${pr.step} of ${pr.of}` };
          else if (pr.kind === 'stage') this.steps = { ...this.steps, [sh.id]: pr.stage === 'decode' ? 'decoding' : pr.stage === 'judge' ? 'judging' : `${pr.stage}` };
          this.requestUpdate();
        };
        const clip = await request({ kind: 'generate', options: { prompt: p, model: 'dit', seed, frames: sh.frames, height: sh.height, width: sh.width } }, { onProgress });
        if (!current()) return;
        this.results = { ...this.results, [sh.id]: { key, frames: clip.frames, numFrames: clip.numFrames, width: clip.width, height: clip.height, prompt: p, verdict: clip.verdict } };
        this.steps = { ...this.steps, [sh.id]: '' };
        this.requestUpdate();
      });
    }
  }

  render() {
    const s = this.state;
    const key = this.key;
    return html`
      <div class="controls" id="shapes-anchor">
        <div class="field">
          <label for="prompt">Prompt</label>
          <input
            id="prompt"
            type="text"
            maxlength="160"
            autocomplete="off"
            spellcheck="false"
            .value=${s.prompt}
            @change=${(e: Event) => this.set({ prompt: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="examples">Or pick one</label>
          <select
            id="examples"
            @change=${(e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v) this.set({ prompt: v });
              (e.target as HTMLSelectElement).value = '';
            }}
          >
            <option value="">— example prompts —</option>
            ${EXAMPLE_PROMPTS.map((p) => html`<option value=${p}>${p}</option>`)}
          </select>
        </div>
        <seed-control .value=${s.seed} @seed-change=${(e: CustomEvent<SeedDetail>) => this.set({ seed: e.detail.value })}></seed-control>
      </div>
      <div class="shapes">
        ${SHAPES.map((sh) => {
          const r = this.results[sh.id];
          const fresh = r && r.key === key ? r : null;
          const v = fresh?.verdict;
          return html`<live-cell id="shape-${sh.id}" label="${sh.label}">
            <p class="muted" style="margin:0 0 0.4rem">${sh.note}</p>
            ${fresh
              ? html`<clip-player
                    .rgb=${fresh.frames}
                    .frames=${fresh.numFrames}
                    .width=${fresh.width}
                    .height=${fresh.height}
                    alt=${`${sh.label} made by the DiT from “${fresh.prompt}”${v ? `; the judge reads ${describeReading(v.reading)}` : ''}`}
                    autoplay
                  ></clip-player>
                  ${v
                    ? html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" data-pass=${v.pass ? 'true' : 'false'}>
                        <strong>${v.pass ? 'PASS' : 'FAIL'}</strong> — ${v.pass ? describeReading(v.reading) : v.reasons.join('; ')}
                      </p>`
                    : nothing}`
              : html`<p class="progress" role="status">${this.runs.visible ? this.steps[sh.id] || 'waiting for the DiT…' : 'starts when you scroll here'}</p>`}
            ${fresh && fresh.prompt !== s.prompt ? html`<p class="progress">asked: “${fresh.prompt}”</p>` : nothing}
          </live-cell>`;
        })}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'shapes-figure': ShapesFigure;
  }
}
