// The Observable Plot specs of chapter 1's charts (for <plot-chart>): ᾱ_t,
// √ᾱ_t and √(1 − ᾱ_t) against t; log-SNR against t beside the three plain
// schedules; and the axes of the pixel histogram with the standard normal
// density. Plain functions; the marker of t and the histogram's bars are
// overlays, so moving t never rebuilds a chart.
import * as Plot from '@observablehq/plot';
import { normalPdf } from '../../pipeline/pixels';
import { CHART_COLOURS, type ChartSpec } from './plot-chart';

export const HIST_LO = -4, HIST_HI = 4, HIST_BINS = 40;
const LOG_SNR_DOMAIN: [number, number] = [-20, 12];
const T_LABEL = 'timestep t →';

export const logSnr = (abar: number) => Math.log(abar / (1 - abar));

/** A schedule's coefficients at every timestep (log-SNR NaN where it is infinite). */
export interface ScheduleRow {
  t: number;
  abar: number;
  sqrtAbar: number;
  sqrtOneMinus: number;
  logSnr: number;
}

export function scheduleRows(alphasCumprod: ArrayLike<number>): ScheduleRow[] {
  return Array.from(alphasCumprod, (abar, t) => ({
    t,
    abar,
    sqrtAbar: Math.sqrt(abar),
    sqrtOneMinus: Math.sqrt(1 - abar),
    logSnr: Number.isFinite(logSnr(abar)) ? logSnr(abar) : NaN,
  }));
}

/** Log-SNR of other schedules, by name, one row a timestep (the faint background of the log-SNR chart). */
export function logSnrRows(schedules: Record<string, ArrayLike<number>>): { t: number; logSnr: number; schedule: string }[] {
  return Object.entries(schedules).flatMap(([schedule, abar]) => Array.from(abar, (a, t) => ({ t, logSnr: Number.isFinite(logSnr(a)) ? logSnr(a) : NaN, schedule })));
}

/** ᾱ_t, √ᾱ_t and √(1 − ᾱ_t) against t. */
export function coefficientsSpec(rows: readonly ScheduleRow[]): ChartSpec {
  const T = rows.length;
  return ({ width }) => ({
    width,
    height: 210,
    marginLeft: 40,
    marginTop: 22,
    marginBottom: 38,
    x: { domain: [0, T - 1], label: T_LABEL },
    y: { domain: [0, 1], label: '↑ coefficient', grid: true },
    marks: [
      Plot.line(rows, { x: 't', y: 'abar', stroke: CHART_COLOURS.accent, strokeWidth: 2 }),
      Plot.line(rows, { x: 't', y: 'sqrtAbar', stroke: CHART_COLOURS.signal, strokeWidth: 2.5 }),
      Plot.line(rows, { x: 't', y: 'sqrtOneMinus', stroke: CHART_COLOURS.noise, strokeWidth: 2.5 }),
    ],
  });
}

/** Log-SNR against t for one schedule (named `name`), over the faint `baseline` schedules. */
export function logSnrSpec(rows: readonly ScheduleRow[], name: string, baseline: ReturnType<typeof logSnrRows>): ChartSpec {
  const T = rows.length;
  return ({ width }) => ({
    width,
    height: 210,
    marginLeft: 40,
    marginTop: 22,
    marginBottom: 38,
    x: { domain: [0, T - 1], label: T_LABEL },
    y: { domain: LOG_SNR_DOMAIN, label: '↑ log SNR', grid: true },
    marks: [
      Plot.ruleY([0], { stroke: CHART_COLOURS.faint }),
      Plot.line(baseline, { x: 't', y: 'logSnr', z: 'schedule', stroke: CHART_COLOURS.faint, strokeWidth: 1.5 }),
      Plot.line(rows, { x: 't', y: 'logSnr', stroke: CHART_COLOURS.accent, strokeWidth: 2.5 }),
    ],
    ariaLabel: name,
  });
}

let histogram: ChartSpec | null = null;

/** The axes of a histogram of pixel values in [−4, 4], with the standard normal density (its bars are an overlay). */
export function histogramSpec(): ChartSpec {
  if (histogram) return histogram;
  const normalCurve = Array.from({ length: 161 }, (_, i) => {
    const x = HIST_LO + (i * (HIST_HI - HIST_LO)) / 160;
    return { x, y: normalPdf(x) };
  });
  histogram = ({ width }) => ({
    width,
    height: 210,
    marginLeft: 40,
    marginTop: 22,
    marginBottom: 38,
    x: { domain: [HIST_LO, HIST_HI], label: 'pixel value →' },
    y: { domain: [0, 1.2], label: '↑ density', grid: true },
    marks: [
      Plot.ruleX([-1, 1], { stroke: CHART_COLOURS.faint, strokeDasharray: '2 3' }),
      Plot.line(normalCurve, { x: 'x', y: 'y', stroke: CHART_COLOURS.noise, strokeWidth: 2.5 }),
    ],
  });
  return histogram;
}
