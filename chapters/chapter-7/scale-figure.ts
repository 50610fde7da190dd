// <scale-figure>: more compute, better clips. The same prompt and seeds through
// three checkpoints of the DiT's run (two early snapshots of its first recipe,
// and the final DiT after later recipes: compute and recipe both change), the
// first seed's clips side by side with each model's card, a mark a seed from
// the judge, and the pass rates with their 95 % intervals. Its models
// are its own (their own download line); the backend follows the chapter's.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/widgets/clip-card';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/model-card';
import '../../components/charts/plot-chart';
import '../../components/widgets/prompt-field';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { applyFigureState, setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import { CLIP_DENOISER_FACTS } from '../../components/widgets/model-card';
import { ModelController } from '../../components/controllers/model-controller';
import { passRateSpec } from '../../components/charts/pass-rate-charts';
import type { ChartSpec } from '../../components/charts/plot-chart';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import { controls, layout, prose } from '../../components/styles';
import type { BackendPreference } from '../../pipeline/runtime/models';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { passCount } from '../../pipeline/text-to-video/measure';
import { cellKey, chapter7Styles, checkpointName, CHECKPOINTS, FRAMES, type Chapter7State } from './state';

const SCALE_MODELS = ['text_encoder', ...CHECKPOINTS, 'vae_decoder'];

/** The figure's clips, with the state key they were made from. */
export interface ScaleResult {
  key: string;
  seeds: number[];
  /** clips[model][k] for seeds[k]; null until made. */
  clips: Record<string, (GeneratedClip | null)[]>;
  done: number;
  of: number;
}

@customElement('scale-figure')
export class ScaleFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter7Styles,
    css`
      model-card {
        --model-card-size: 0.9rem;
        --model-card-margin: 0.75rem 0 0;
        --model-card-gap: 0.15rem 0.8rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter7State;
  /** The backend the chapter's switch chose: the checkpoints run where the pipeline runs. */
  @property({ attribute: false }) backend: BackendPreference = 'auto';

  /** The checkpoints, with the text encoder and the VAE decoder: named by their share of the compute. */
  readonly models = new ModelController(this, {
    models: SCALE_MODELS,
    label: (m, manifest) => ((CHECKPOINTS as readonly string[]).includes(m) ? checkpointName(m, manifest) : undefined),
  });

  /** The latest clips (for tests: the chapter's results.scale); null when a checkpoint is missing. */
  @state() result: ScaleResult | null = null;
  /** Why it cannot run (a checkpoint the manifest does not list yet). */
  @state() private note = '';

  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    key: () => (this.state ? cellKey(this.state, 'scale') : null),
    run: (key, current) => this.compare(key, current),
  });

  get cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#scale')!;
  }

  /** Makes the clips of the current state, unless made: resolves when the last is shown (or it failed). */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private set(partial: Partial<Chapter7State>) {
    setFigureState(this, partial);
  }

  private async submit(partial: Partial<Chapter7State>) {
    await applyFigureState(this, partial);
    void this.runs.retry();
  }

  protected willUpdate(changed: PropertyValues<this>) {
    if (changed.has('backend')) this.models.backend = this.backend;
  }

  private async compare(key: string, current: () => boolean) {
    const s = this.state;
    this.note = '';
    if (!this.models.manifest) await this.models.refreshStatus();
    if (!current()) return;
    const missing = this.models.manifest ? this.models.sizes.missing : [];
    if (missing.length) {
      this.note = `This cell needs ${missing.join(', ')}, which weights/manifest.json does not list yet (still training): the comparison comes when it is there.`;
      this.result = null;
      return;
    }
    const seeds = Array.from({ length: s.seeds }, (_, k) => (s.scaleSeed + k) % 100_000);
    const clips: ScaleResult['clips'] = Object.fromEntries(CHECKPOINTS.map((m) => [m, seeds.map(() => null)]));
    this.result = { key, seeds, clips, done: 0, of: seeds.length * CHECKPOINTS.length };
    await this.models.runTask(this.cell, async ({ request }) => {
      // seed by seed, so the first seed's three clips (shown side by side) come first
      for (let k = 0; k < seeds.length; k++) {
        for (const model of CHECKPOINTS) {
          if (clips[model][k]) continue; // a Retry keeps what was made
          const clip = await request({ kind: 'generate', options: { prompt: s.scalePrompt, model, seed: seeds[k], steps: s.steps, frames: FRAMES } });
          if (!current()) return;
          clips[model][k] = clip;
          this.result = { ...this.result!, clips: { ...clips }, done: this.result!.done + 1 };
        }
      }
    });
  }

  /** The pass rates with their 95 % intervals (rebuilt when a count or a name changes). */
  private chart(counts: { model: string; passed: number; n: number; rate: number; ci95: [number, number] }[], names: string[]): ChartSpec {
    return this.runs.memo('chart', JSON.stringify([counts, names]), () =>
      passRateSpec(counts.map((c) => ({ ...c, name: names[CHECKPOINTS.indexOf(c.model as (typeof CHECKPOINTS)[number])] }))),
    );
  }

  render() {
    const s = this.state;
    const r = this.result?.key === cellKey(s, 'scale') ? this.result : null;
    const manifest = this.models.manifest;
    const counts = CHECKPOINTS.map((m) => {
      const verdicts = (r?.clips[m] ?? []).filter((c): c is GeneratedClip => !!c).map((c) => !!c.verdict?.pass);
      return { model: m, ...passCount(verdicts) };
    });
    const names = CHECKPOINTS.map((m) => checkpointName(m, manifest)); // they wait for the manifest
    const alt = `Share of clips the judge passed, with 95 % intervals: ${counts.map((c) => `${checkpointName(c.model, manifest)} ${c.passed} of ${c.n}`).join(', ')}.`;
    return html`<live-cell id="scale" label="Three checkpoints, the same prompts and seeds" streaming>
      <div class="controls">
        <prompt-field
          class="wide"
          label="Prompt"
          .value=${s.scalePrompt}
          submit-label="Compare"
          judge-note
          @prompt-submit=${(e: CustomEvent<PromptDetail>) => this.submit({ scalePrompt: e.detail.value })}
        ></prompt-field>
        <labelled-slider
          label="First seed"
          min="0"
          max="99999"
          number-box
          .value=${s.scaleSeed}
          .format=${(v: number) => `#${v}`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ scaleSeed: e.detail.value })}
        ></labelled-slider>
        <labelled-slider
          label="Seeds to count passes over"
          min="1"
          max="8"
          .value=${s.seeds}
          .format=${(v: number) => `${v} seed${v > 1 ? 's' : ''}, ${v * 3} clips`}
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ seeds: e.detail.value })}
        ></labelled-slider>
      </div>
      ${this.models.renderWeights()}
      ${this.note ? html`<p class="notice" role="status" id="scale-note">${this.note}</p>` : nothing}
      ${r && r.done < r.of ? html`<p class="muted" role="status">Made ${r.done} of ${r.of} clips…</p>` : nothing}
      <div class="three" id="checkpoints">
        ${CHECKPOINTS.map((m) => {
          const e = manifest?.models[m];
          return html`<div>
            <clip-card
              heading=${checkpointName(m, manifest)}
              subheading=${e ? `${Number(e.steps).toLocaleString('en')} training steps, ${e.train_minutes} min` : ''}
              .clip=${r?.clips[m][0] ?? null}
              .verdict=${r?.clips[m][0]?.verdict ?? null}
              annotate
              placeholder=${this.note ? 'Not available yet.' : `Seed #${s.scaleSeed} appears here.`}
            ></clip-card>
            ${e ? html`<model-card name=${m} .entry=${e} .facts=${CLIP_DENOISER_FACTS}></model-card>` : nothing}
          </div>`;
        })}
      </div>
      ${r
        ? html`<div class="scroll" style="margin-top:1rem">
              <table id="passes">
                <caption class="muted" style="caption-side: bottom; text-align: left; padding-top: 0.3rem">
                  Each clip judged against “${s.scalePrompt}”; a mark's tooltip gives the judge's reason. The side-by-side clips above are seed #${s.scaleSeed}.
                </caption>
                <thead>
                  <tr><th scope="col">Checkpoint</th>${r.seeds.map((seed) => html`<th scope="col">#${seed}</th>`)}<th scope="col">Passed</th></tr>
                </thead>
                <tbody>
                  ${CHECKPOINTS.map((m, i) => html`<tr data-model=${m}>
                    <th scope="row">${checkpointName(m, manifest)}</th>
                    ${r.clips[m].map((c) =>
                      c
                        ? html`<td class=${c.verdict?.pass ? 'pass' : 'fail'} title=${c.verdict?.reason ?? ''} aria-label=${`${c.verdict?.pass ? 'passed' : 'failed'}: ${c.verdict?.reason ?? ''}`}>${c.verdict?.pass ? '✓' : '✗'}</td>`
                        : html`<td class="muted">…</td>`,
                    )}
                    <td>${counts[i].passed} of ${counts[i].n}</td>
                  </tr>`)}
                </tbody>
              </table>
            </div>
            <plot-chart id="pass-chart" .spec=${this.chart(counts, names)} alt=${alt}></plot-chart>`
        : nothing}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'scale-figure': ScaleFigure;
  }
}
