// The Observable Plot specs of the training chapter's charts (for <plot-chart>):
// what each loss weighs the x₀ error by against t, the loss of many (t, ε)
// draws against t, and the committed learning curve. Plain functions; the
// reader's t is an overlay, so moving it never rebuilds a chart.
import * as Plot from '@observablehq/plot';
import { lossWeights } from '../../pipeline/lessons/training-step';
import type { SweepDraw } from '../../pipeline/lessons/loss-sweep';
import { binnedMeans } from '../../pipeline/lessons/loss-sweep';
import { powerOfTen } from './denoise-charts';
import { OKABE_ITO, type ChartSpec } from './plot-chart';

const T_LABEL = 'timestep t →';

/**
 * The weightings, each with its colour, in the order they are drawn: on the x₀ error, min-SNR-5 = min(SNR, 5)
 * (a wide grey band underneath: it runs along the ε-loss past SNR = 5), x₀-loss = 1, v-loss = SNR + 1, ε-loss = SNR.
 */
export const WEIGHT_KEYS = [
  { key: 'minSnr', what: 'min-SNR-5: min(SNR, 5), what trained this DiT', colour: '#9a9ea8' },
  { key: 'x0', what: 'x₀-loss: 1', colour: OKABE_ITO[2] },
  { key: 'v', what: 'v-loss: SNR + 1', colour: OKABE_ITO[0] },
  { key: 'epsilon', what: 'ε-loss: SNR', colour: OKABE_ITO[1] },
] as const;

/** Powers of ten from lo to hi, at most `most` of them. */
function decades(lo: number, hi: number, most = 6): number[] {
  const a = Math.ceil(Math.log10(lo)), b = Math.floor(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a + 1) / most));
  const out: number[] = [];
  for (let k = a; k <= b; k += every) out.push(10 ** k);
  return out;
}

/** The weight each objective puts on the x₀ error against t, log scale (every 5th timestep). */
export function weightingsSpec(alphasCumprod: ArrayLike<number>): ChartSpec {
  const T = alphasCumprod.length;
  const data: { t: number; w: number; key: string }[] = [];
  for (let t = 0; t < T; t += 5) {
    const w = lossWeights(alphasCumprod[t]);
    for (const k of WEIGHT_KEYS) data.push({ t, w: Math.max(w[k.key], 1e-9), key: k.key });
  }
  const domain: [number, number] = [1e-9, 1e5];
  return ({ width }) => ({
    width,
    height: 240,
    marginLeft: 44,
    marginTop: 20,
    marginBottom: 36,
    x: { domain: [0, T - 1], label: T_LABEL },
    y: { type: 'log', domain, label: '↑ weight on ‖x̂₀ − x₀‖² (log scale)', grid: true, ticks: decades(...domain), tickFormat: powerOfTen },
    marks: WEIGHT_KEYS.map((k) =>
      Plot.line(data.filter((d) => d.key === k.key), { x: 't', y: 'w', stroke: k.colour, strokeWidth: k.key === 'minSnr' ? 7 : 2, strokeDasharray: k.key === 'v' ? '6 4' : undefined }),
    ),
  });
}

export const SWEEP_KEYS = [
  { key: 'loss', what: 'v-loss ‖v̂ − v‖²', colour: OKABE_ITO[0] },
  { key: 'weightedLoss', what: 'times the min-SNR-5 weight', colour: OKABE_ITO[1] },
] as const;

/** Each draw's losses against its t (dots), and their means over tenths of t (lines), log scale. */
export function sweepSpec(draws: readonly SweepDraw[], T = 1000): ChartSpec {
  const dots = draws.flatMap((d) => SWEEP_KEYS.map((k) => ({ t: d.t, loss: Math.max(d[k.key], 1e-6), key: k.key })));
  const lines = SWEEP_KEYS.flatMap((k) => binnedMeans(draws, k.key, 10, T).map((b) => ({ t: b.t, loss: Math.max(b.mean, 1e-6), key: k.key })));
  const values = dots.map((d) => d.loss);
  const lo = values.length ? Math.max(1e-6, Math.min(...values)) : 1e-4, hi = values.length ? Math.max(...values) : 1;
  const domain: [number, number] = [Math.min(lo, 1e-3) / 1.5, Math.max(hi, 0.1) * 1.5];
  return ({ width }) => ({
    width,
    height: 250,
    marginLeft: 44,
    marginTop: 20,
    marginBottom: 36,
    x: { domain: [0, T - 1], label: T_LABEL },
    y: { type: 'log', domain, label: '↑ loss of one draw (log scale)', grid: true, ticks: decades(...domain), tickFormat: powerOfTen },
    marks: SWEEP_KEYS.flatMap((k) => [
      Plot.dot(dots.filter((d) => d.key === k.key), { x: 't', y: 'loss', r: 1.8, fill: k.colour, fillOpacity: 0.45 }),
      Plot.line(lines.filter((d) => d.key === k.key), { x: 't', y: 'loss', stroke: k.colour, strokeWidth: 2.5 }),
    ]),
  });
}

export interface CurveMark {
  step: number;
  label: string;
}

/**
 * The training loss (each logged batch's min-SNR-5 loss, faint, and a running mean) against the step,
 * log scale, with the steps of the snapshots marked; `level` draws a dashed level (this clip's mean).
 */
export function learningCurveSpec(rows: readonly { step: number; loss: number }[], smooth: readonly { step: number; loss: number }[], marks: readonly CurveMark[], level?: number): ChartSpec {
  const values = rows.map((r) => r.loss).concat(level !== undefined && level > 0 ? [level] : []);
  const domain: [number, number] = [Math.min(...values) / 1.3, Math.max(...values) * 1.3];
  const last = rows.length ? rows[rows.length - 1].step : 1;
  const ticks = [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5].filter((v) => v >= domain[0] && v <= domain[1]);
  return ({ width }) => ({
    width,
    height: 250,
    marginLeft: 44,
    marginTop: 20,
    marginBottom: 36,
    x: { domain: [0, last], label: 'training step →', tickFormat: (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v)) },
    y: { type: 'log', domain, label: '↑ batch loss, min-SNR-5 (log scale)', grid: true, ticks, tickFormat: (v: number) => String(v) },
    marks: [
      Plot.line(rows, { x: 'step', y: 'loss', stroke: OKABE_ITO[0], strokeOpacity: 0.3, strokeWidth: 1 }),
      Plot.line(smooth, { x: 'step', y: 'loss', stroke: OKABE_ITO[0], strokeWidth: 2.5 }),
      Plot.ruleX(marks, { x: 'step', stroke: OKABE_ITO[7], strokeDasharray: '3 3' }),
      Plot.text(marks, { x: 'step', y: domain[0], text: 'label', dx: 3, dy: -4, fontSize: 11, textAnchor: 'start', lineAnchor: 'bottom', fill: OKABE_ITO[7] }),
      ...(level !== undefined && level > 0 ? [Plot.ruleY([level], { stroke: OKABE_ITO[1], strokeDasharray: '6 4', strokeWidth: 2 })] : []),
    ],
  });
}
