// The Observable Plot specs of chapter 4's and chapter 7's charts (for
// <plot-chart>): one token's numbers as bars, the judge's passes of each clip
// shape, and each checkpoint's pass rate with its 95 % interval. Plain
// functions of the numbers they draw.
import * as Plot from '@observablehq/plot';
import { CHART_COLOURS, type ChartSpec } from './plot-chart';

/** A token's numbers in order as bars, coloured by the latent channel each belongs to (channels fastest). */
export function tokenNumbersSpec(values: Float32Array, channels: number, colours: readonly string[]): ChartSpec {
  const rows = Array.from(values, (v, d) => ({ d, v, channel: `channel ${(d % channels) + 1}` }));
  const D = values.length;
  return ({ width }) => ({
    width,
    height: 170,
    marginLeft: 40,
    marginTop: 24,
    marginBottom: 36,
    x: { domain: [0, D], label: `its ${D} numbers, in order →`, ticks: Math.min(8, D) },
    y: { domain: [-4, 4], label: '↑ value', grid: true },
    color: { domain: Array.from({ length: channels }, (_, k) => `channel ${k + 1}`), range: [...colours] },
    marks: [Plot.rectY(rows, { x1: 'd', x2: (r: { d: number }) => r.d + 1, y: 'v', fill: 'channel', inset: D > 200 ? 0 : 0.5 }), Plot.ruleY([0], { stroke: CHART_COLOURS.muted })],
  });
}

export interface PassRow {
  label: string;
  passes: number;
  /** The judge's verdict on each sample so far, in order. */
  verdicts: boolean[];
}

/** Passes of each row as bars out of `of`, the failures so far faded after them, "k of n" beside. */
export function passesSpec(rows: readonly PassRow[], of: number): ChartSpec {
  return ({ width }) => ({
    width,
    height: 40 + 34 * rows.length,
    marginLeft: 130,
    marginRight: 60,
    marginBottom: 34,
    x: { domain: [0, of], label: 'clips the judge passes →', ticks: Math.min(of, 8) },
    y: { domain: rows.map((r) => r.label), label: null },
    marks: [
      Plot.barX(rows, { y: 'label', x: 'passes', fill: CHART_COLOURS.accent }),
      Plot.barX(rows, { y: 'label', x1: 'passes', x2: (r: PassRow) => r.verdicts.length, fill: CHART_COLOURS.noise, fillOpacity: 0.35 }),
      Plot.text(rows, { y: 'label', x: (r: PassRow) => r.verdicts.length, text: (r: PassRow) => `${r.passes} of ${r.verdicts.length}`, dx: 6, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
}

export interface RateRow {
  name: string;
  passed: number;
  n: number;
  rate: number;
  ci95: [number, number];
}

/** Each row's pass rate as a dot on its 95 % interval; rows not yet judged show the interval alone. */
export function passRateSpec(rows: readonly RateRow[]): ChartSpec {
  const data = rows.map((r) => ({ ...r, lo: r.ci95[0], hi: r.ci95[1] }));
  const judged = data.filter((d) => d.n > 0);
  return ({ width }) => ({
    width,
    height: 190,
    marginLeft: 110,
    marginRight: 20,
    marginBottom: 36,
    x: { domain: [0, 1], label: 'passed by the judge →', tickFormat: '.0%', grid: true },
    y: { domain: data.map((d) => d.name), label: null },
    marks: [
      Plot.ruleY(data, { x1: 'lo', x2: 'hi', y: 'name', stroke: CHART_COLOURS.faint, strokeWidth: 6 }),
      Plot.dot(judged, { x: 'rate', y: 'name', r: 6, fill: CHART_COLOURS.accent }),
      Plot.text(judged, { x: 'rate', y: 'name', text: (d: { passed: number; n: number }) => `${d.passed} of ${d.n}`, dy: -13, fill: CHART_COLOURS.ink }),
    ],
  });
}
