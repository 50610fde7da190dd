// The Observable Plot specs of chapter 2's charts (for <plot-chart>): where a
// run's steps sit on the noise schedule, and the denoiser's error against t.
// Plain functions; the marker of the step being looked at is an overlay, so
// scrubbing never rebuilds a chart.
import * as Plot from '@observablehq/plot';
import type { ErrorRow } from '../../pipeline/lessons/denoiser-error';
import { CHART_COLOURS, type ChartSpec } from './plot-chart';

const T_LABEL = 'timestep t →';

/** ᾱ_t against t, with a dot at each timestep the sampler visits. */
export function scheduleSpec(alphasCumprod: ArrayLike<number>, visited: readonly number[]): ChartSpec {
  const curve = Array.from(alphasCumprod, (abar, t) => ({ t, abar }));
  const dots = visited.map((t) => ({ t, abar: alphasCumprod[t] }));
  const T = alphasCumprod.length;
  return ({ width }) => ({
    width,
    height: 190,
    marginLeft: 40,
    marginTop: 20,
    marginBottom: 36,
    x: { domain: [0, T - 1], label: T_LABEL, ticks: [0, 250, 500, 750] },
    y: { domain: [0, 1], label: '↑ ᾱₜ, the signal kept', grid: true, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] },
    marks: [
      Plot.line(curve, { x: 't', y: 'abar', stroke: CHART_COLOURS.signal, strokeWidth: 2 }),
      Plot.dot(dots, { x: 't', y: 'abar', r: visited.length > 40 ? 1.5 : 2.5, fill: CHART_COLOURS.muted }),
    ],
  });
}

/** The four error curves, one row a timestep, in the long form Plot draws. */
export function errorSeries(rows: readonly ErrorRow[]) {
  return rows.flatMap((r) => [
    { t: r.t, mse: r.epsCaption, what: 'ε̂, caption' },
    { t: r.t, mse: r.epsEmpty, what: 'ε̂, empty prompt' },
    { t: r.t, mse: r.x0Caption, what: 'x̂₀, caption' },
    { t: r.t, mse: r.x0Empty, what: 'x̂₀, empty prompt' },
  ]).filter((d) => d.mse > 0 && Number.isFinite(d.mse));
}

export const ERROR_KEYS = [
  { what: 'ε̂, caption', colour: CHART_COLOURS.noise, dashed: false },
  { what: 'ε̂, empty prompt', colour: CHART_COLOURS.noise, dashed: true },
  { what: 'x̂₀, caption', colour: CHART_COLOURS.signal, dashed: false },
  { what: 'x̂₀, empty prompt', colour: CHART_COLOURS.signal, dashed: true },
] as const;

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** 10ᵏ as text: 1, 10, 10⁻², … */
export function powerOfTen(v: number): string {
  const k = Math.round(Math.log10(v));
  if (k === 0) return '1';
  if (k === 1) return '10';
  return `10${String(k).replace(/./g, (c) => SUPERSCRIPT[c] ?? c)}`;
}

/** Every power of ten in a domain, or every second, third … so that at most six are labelled. */
function powersOfTen([lo, hi]: [number, number]): number[] {
  const a = Math.ceil(Math.log10(lo)), b = Math.floor(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a + 1) / 6));
  const out: number[] = [];
  for (let k = b; k >= a; k -= every) out.push(10 ** k);
  return out;
}

/** Mean squared error against t on a log scale: ε̂ and x̂₀, with the caption and with the empty prompt. */
export function errorSpec(rows: readonly ErrorRow[], T = 1000): ChartSpec {
  const data = errorSeries(rows);
  const values = data.map((d) => d.mse);
  const lo = values.length ? Math.min(...values) : 1e-4;
  const hi = values.length ? Math.max(...values) : 1;
  const domain: [number, number] = [Math.min(lo, 1e-3) / 1.5, Math.max(hi, 1) * 1.5];
  return ({ width }) => ({
    width,
    height: 260,
    marginLeft: 48,
    marginTop: 20,
    marginBottom: 36,
    x: { domain: [0, T - 1], label: T_LABEL },
    y: { type: 'log', domain, label: '↑ mean squared error (log scale)', grid: true, ticks: powersOfTen(domain), tickFormat: powerOfTen },
    marks: ERROR_KEYS.flatMap((k) => {
      const part = data.filter((d) => d.what === k.what);
      return [
        Plot.line(part, { x: 't', y: 'mse', stroke: k.colour, strokeWidth: 2, strokeDasharray: k.dashed ? '5 4' : undefined }),
        Plot.dot(part, { x: 't', y: 'mse', r: 2.5, fill: k.dashed ? '#fff' : k.colour, stroke: k.colour }),
      ];
    }),
  });
}
