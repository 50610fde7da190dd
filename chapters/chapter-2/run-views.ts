// The sampler figure's run, drawn inside <sampler-figure>'s cell: step by step
// (a strip of x_t and x̂₀ decoded, the step scrubber and a frame slider for a
// clip, the step's pictures and its arithmetic, x_t, ε̂ and x̂₀ as latent
// channels, the step on the schedule), and its sample (the judge's verdict and
// the `npm run generate` command that makes the same pixels). Templates and
// their styles.
import { css, html, nothing, type TemplateResult } from 'lit';
import '../../components/widgets/clip-player';
import '../../components/widgets/labelled-slider';
import '../../components/widgets/latent-grid';
import '../../components/widgets/pixel-view';
import '../../components/charts/plot-chart';
import '../../components/widgets/step-strip';
import { scheduleSpec } from '../../components/charts/denoise-charts';
import { scrubSlider } from '../../components/figure/sampling';
import { term } from '../../components/shell/notation';
import { CHART_COLOURS, type ChartOverlay, type ChartSpec } from '../../components/charts/plot-chart';
import type { StripColumn } from '../../components/widgets/step-strip';
import { setTimesteps } from '../../pipeline/diffusion';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { GeneratedClip } from '../../pipeline/text-to-video/clip';
import { stats, stripSteps, type TrajectoryStep } from '../../pipeline/lessons/trajectory';
import { parsePrompt } from '../../pipeline/world/caption';
import { describeReading } from '../../pipeline/world/read-frames';
import { ditAlphas, ditSettings, fmt, generateCommand, LATENT, type RunSettings } from './state';

export const runViewStyles = css`
  .trajectory {
    margin-top: 1rem;
    padding-top: 0.75rem;
    border-top: 1px solid var(--rule);
  }
  .trajectory h4,
  .chart h4 {
    margin: 0 0 0.4rem;
    font-size: 0.95rem;
  }
  .detail {
    display: grid;
    grid-template-columns: minmax(0, 0.9fr) minmax(0, 1.35fr) minmax(0, 1.2fr);
    gap: 1rem 1.25rem;
    align-items: start;
    margin: 0.75rem 0;
  }
  @media (max-width: 58rem) {
    .detail {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr);
    }
    .detail .schedule {
      grid-column: 1 / -1;
    }
  }
  @media (max-width: 36rem) {
    .detail {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .pictures {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    gap: 0.5rem;
  }
  .pictures pixel-view {
    --pixel-view-size: 100%;
  }
  .result h4 {
    margin: 0 0 0.4rem;
    font-size: 0.95rem;
  }
  .result pixel-view,
  .result clip-player {
    --pixel-view-size: 100%;
    display: block;
    max-width: 14rem;
  }
  .result {
    display: grid;
    grid-template-columns: minmax(8rem, 12rem) minmax(0, 1fr);
    gap: 1rem 1.5rem;
    align-items: start;
    margin-top: 1rem;
    padding-top: 0.75rem;
    border-top: 1px solid var(--rule);
  }
  @media (max-width: 30rem) {
    .result {
      grid-template-columns: minmax(0, 1fr);
    }
  }
  .verdict {
    margin: 0.5rem 0 0;
    padding: 0.5rem 0.75rem;
    border-radius: 0.3rem;
    font-size: 0.95rem;
    max-width: none;
  }
  code.cmd {
    display: block;
    margin-top: 0.4rem;
    padding: 0.4rem 0.6rem;
    background: #f3f2ec;
    border-radius: 0.3rem;
    font-size: 0.8rem;
    overflow-wrap: anywhere;
  }
`;

export interface TrajectoryOptions {
  run: { settings: RunSettings; steps: TrajectoryStep[]; of: number; running: boolean; result: { sample: { timesteps: ArrayLike<number> } } | null };
  /** The step shown (1-based), its trajectory step, and the frame of a clip shown. */
  k: number;
  step: TrajectoryStep;
  frame: number;
  manifest: Manifest | null;
  /** The figure's memo (FigureRunController.memo): the schedule chart is rebuilt only when its timesteps change. */
  memo: <T>(name: string, key: unknown, make: () => T) => T;
  onStep: (step: number) => void;
  onFrame: (frame: number) => void;
}

/** The schedule chart for the timesteps a run visits (made again only when they change). */
function scheduleChart(o: TrajectoryOptions, visited: readonly number[]): ChartSpec | null {
  const a = ditAlphas(o.manifest);
  if (!a) return null;
  return o.memo('schedule', `${a.key}|${visited.join(',')}`, () => scheduleSpec(a.abar, visited));
}

export function trajectoryView(o: TrajectoryOptions): TemplateResult {
  const { run: r, k, step: st, frame: f } = o;
  const F = r.settings.frames;
  const size = LATENT.channels * LATENT.height * LATENT.width;
  const one = (x: Float32Array) => x.subarray(f * size, (f + 1) * size);
  const a = Math.sqrt(st.alphaBar), b = Math.sqrt(1 - st.alphaBar);
  const d = ditSettings(o.manifest);
  const visited = r.result?.sample.timesteps ?? setTimesteps(r.of, { numTrainTimesteps: d?.numTrainTimesteps ?? 1000, timestepSpacing: d?.timestepSpacing ?? 'trailing' });
  const sched = scheduleChart(o, Array.from(visited));
  const overlay: ChartOverlay[] = [
    { type: 'ruleX', x: st.timestep, label: `step ${k}: t = ${st.timestep}` },
    { type: 'dot', x: st.timestep, y: st.alphaBar, fill: CHART_COLOURS.noise, r: 5.5 },
  ];
  const columns: StripColumn[] = stripSteps(r.of, 8).map((step) => {
    const s = r.steps[step - 1];
    return { step, timestep: s?.timestep ?? (visited[step - 1] as number), frames: [s?.xtFrames ?? null, s?.x0Frames ?? null] };
  });
  const eps = stats(one(st.epsHat));
  const last = st.prevTimestep < 0;
  return html`
    <div class="trajectory" id="trajectory">
      <h4>The run, step by step</h4>
      <step-strip
        .columns=${columns}
        .rows=${['xₜ', 'x̂₀']}
        .selected=${k}
        .frame=${f}
        @step-select=${(e: CustomEvent<{ step: number }>) => !r.running && o.onStep(e.detail.step)}
      ></step-strip>
      ${scrubSlider({ of: r.of, shown: k, running: r.running, timestepAt: (v) => r.steps[v - 1]?.timestep, onStep: o.onStep })}
      ${F > 1
        ? html`<labelled-slider
            label="Frame"
            min="0"
            max=${F - 1}
            .value=${f}
            .format=${(v: number) => `${v + 1} of ${F}`}
            @value-input=${(e: CustomEvent<{ value: number }>) => o.onFrame(e.detail.value)}
          ></labelled-slider>`
        : nothing}
      <div class="detail">
        <div>
          <div class="pictures">
            <pixel-view id="xt" .rgb=${st.xtFrames} .frame=${f} alt="x_t at step ${k}, t = ${st.timestep}, decoded by the VAE decoder">x<sub>t</sub>, decoded</pixel-view>
            <pixel-view id="x0hat" .rgb=${st.x0Frames} .frame=${f} alt="x̂₀, the denoiser's clean guess at step ${k}, decoded">x̂<sub>0</sub>, decoded</pixel-view>
          </div>
          <p class="readout" id="step-readout" data-step=${k} data-t=${st.timestep}>
            Step ${k} of ${r.of}: <span class="math">t</span> = ${st.timestep} → ${last ? 'the end' : st.prevTimestep}.
            ${term('alphaBar')} = ${fmt(st.alphaBar, 4)}, so from the model’s v̂,
            x̂<sub>0</sub> = ${fmt(a)}·x<sub>t</sub> − ${fmt(b)}·v̂ and ε̂ = ${fmt(a)}·v̂ + ${fmt(b)}·x<sub>t</sub>.
          </p>
        </div>
        <div>
          <latent-grid
            .rows=${[
              { label: 'xₜ', latent: one(st.xt) },
              { label: 'ε̂', latent: one(st.epsHat) },
              { label: 'x̂₀', latent: one(st.x0Hat) },
            ]}
            caption="Step ${k}, t = ${st.timestep}"
          ></latent-grid>
          <p class="readout muted">
            ε̂ is noise, and the decoder only knows latents of pictures, so ε̂ is shown as numbers: its four channels
            (mean ${fmt(eps.mean, 2)}, spread ${fmt(eps.std, 2)}; true noise has 0 and 1).
          </p>
        </div>
        <div class="chart schedule">
          <h4>Where the step sits on the schedule</h4>
          ${sched
            ? html`<plot-chart
                id="schedule-chart"
                .spec=${sched}
                .overlay=${overlay}
                alt="ᾱ_t against t for the DiT's cosine schedule, with the ${r.of} timesteps this run visits as dots. Step ${k} is at t = ${st.timestep}, where ᾱ_t = ${fmt(st.alphaBar, 4)}."
              ></plot-chart>`
            : nothing}
        </div>
      </div>
    </div>
  `;
}

function verdictLine(clip: GeneratedClip): TemplateResult {
  const v = clip.verdict;
  const parsed = parsePrompt(clip.prompt);
  if (!v || !parsed.ok) {
    return html`<p class="verdict none" id="verdict">
      <strong>The judge:</strong> ${clip.prompt.trim() ? `cannot read this prompt (${parsed.problems.join('; ')}), so it judges nothing` : 'no prompt, nothing to judge'}.
      ${v ? html`It reads ${describeReading(v.reading)}.` : nothing}
    </p>`;
  }
  return html`<p class="verdict ${v.pass ? 'pass' : 'fail'}" id="verdict">
    <strong>The judge:</strong> ${v.pass ? `PASS — ${describeReading(v.reading)}` : `FAIL — ${v.reasons.join('; ')}`}
  </p>`;
}

/** The run's sample: the picture or clip, the judge's verdict, and the command that makes the same pixels in Node. */
export function resultView(settings: RunSettings, clip: GeneratedClip): TemplateResult {
  const F = clip.numFrames;
  return html`
    <div class="result" id="result">
      <div>
        <h4>The sample</h4>
        ${F > 1
          ? html`<clip-player .rgb=${clip.frames} .frames=${F} .width=${clip.width} .height=${clip.height} alt="The clip the DiT made for “${clip.prompt}”" autoplay></clip-player>`
          : html`<pixel-view id="final" .rgb=${clip.frames} alt="The image the DiT made for “${clip.prompt}”"></pixel-view>`}
      </div>
      <div>
        ${verdictLine(clip)}
        <p class="readout">The same settings in Node make the same pixels:</p>
        <code class="cmd" id="command">${generateCommand(settings)}</code>
      </div>
    </div>
  `;
}
