// The Observable Plot spec of chapter 0's loss curve (for <plot-chart>): the
// training loss of the small network against the Adam step, both on log
// scales (the fast fall of the first hundred steps and the slow creep after
// both show), each point the mean of a bin of steps about 4% wide, with the
// ideal denoiser's loss on the same data set as a dashed line. A plain
// function of the losses.
import * as Plot from '@observablehq/plot';
import { CHART_COLOURS, type ChartSpec } from './plot-chart';

export interface LossPoint {
  /** The last step of the bin. */
  step: number;
  loss: number;
}

/** The losses (one a step, step 1 first) as the means of bins each `growth` times as far along as the last (the first steps alone); a last, partial bin too. */
export function binLosses(losses: ArrayLike<number>, growth = 1.04): LossPoint[] {
  const rows: LossPoint[] = [];
  for (let start = 0; start < losses.length; ) {
    const end = Math.min(losses.length, Math.max(start + 1, Math.round(start * growth)));
    let s = 0;
    for (let i = start; i < end; i++) s += losses[i];
    rows.push({ step: end, loss: s / (end - start) });
    start = end;
  }
  return rows;
}

const LOSS_DOMAIN: [number, number] = [0.15, 1.5];
const STEP_TICKS = [1, 10, 100, 1000, 10_000, 100_000];

/** The loss curve over steps 0 … `maxSteps`, with the ideal denoiser's loss (when known) as a dashed rule. */
export function lossSpec(rows: readonly LossPoint[], maxSteps: number, idealLoss: number | null): ChartSpec {
  const clamp = (v: number) => Math.min(LOSS_DOMAIN[1], Math.max(LOSS_DOMAIN[0], v));
  const shown = rows.map((r) => ({ step: r.step, loss: clamp(r.loss) }));
  return ({ width }) => ({
    width,
    height: 190,
    marginLeft: 44,
    marginTop: 16,
    marginBottom: 36,
    marginRight: 12,
    x: { type: 'log', domain: [1, maxSteps], label: 'Adam steps →', ticks: STEP_TICKS.filter((t) => t <= maxSteps), tickFormat: (v: number) => v.toLocaleString('en-US') },
    y: { type: 'log', domain: LOSS_DOMAIN, label: '↑ loss (mean squared error of ε̂)', grid: true, ticks: [0.2, 0.3, 0.5, 1], tickFormat: (v: number) => `${v}` },
    marks: [
      idealLoss !== null
        ? Plot.ruleY([idealLoss], { stroke: CHART_COLOURS.accent, strokeDasharray: '5 4', strokeWidth: 1.5 })
        : null,
      idealLoss !== null
        ? Plot.text([idealLoss], { x: 1, y: (d: number) => d, text: () => 'the ideal denoiser’s loss', textAnchor: 'start', dx: 4, dy: 9, fill: CHART_COLOURS.accent, fontSize: 11 })
        : null,
      Plot.line(shown, { x: 'step', y: 'loss', stroke: CHART_COLOURS.signal, strokeWidth: 2 }),
    ],
  });
}
