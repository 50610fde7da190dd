// The Observable Plot specs of chapter 0's charts (for <plot-chart>): the plane
// [−3.5, 3.5]² with a 2-D data set as grey dots, where the reader may draw, and
// the ideal denoiser's field as arrows. Plain functions; the particles are an
// overlay, so moving t or the shown step never rebuilds a chart.
import * as Plot from '@observablehq/plot';
import { DATA_EXTENT, VIEW_EXTENT, type Points2D } from '../../pipeline/lessons/toy2d';
import { CHART_COLOURS, type ChartSpec } from './plot-chart';

/** The denoiser's field: grid points and its guesses x̂₀ there, interleaved (pipeline/lessons/toy2d.ts denoiserField). */
export interface Field2D {
  at: Float32Array;
  predX0: Float32Array;
}

/** A square chart of the plane [−3.5, 3.5]², with the data set as grey dots, optional extra marks, and where points may be drawn. */
export function planeSpec(data: Points2D, extra: (width: number) => Plot.Markish[] = () => [], drawable = false): ChartSpec {
  const rows = Array.from({ length: data.n }, (_, i) => ({ x: data.xy[2 * i], y: data.xy[2 * i + 1] }));
  return ({ width }) => {
    const w = Math.min(width, 560);
    return {
      width: w,
      height: w,
      marginLeft: 30,
      marginBottom: 30,
      marginTop: 10,
      marginRight: 10,
      x: { domain: [-VIEW_EXTENT, VIEW_EXTENT], label: null, ticks: 7 },
      y: { domain: [-VIEW_EXTENT, VIEW_EXTENT], label: null, ticks: 7 },
      marks: [
        Plot.frame({ stroke: CHART_COLOURS.faint }),
        drawable
          ? Plot.rect([{ x1: -DATA_EXTENT, x2: DATA_EXTENT, y1: -DATA_EXTENT, y2: DATA_EXTENT }], {
              x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: CHART_COLOURS.accent, fillOpacity: 0.06, stroke: CHART_COLOURS.accent, strokeDasharray: '4 3',
            })
          : null,
        Plot.dot(rows, { x: 'x', y: 'y', r: 2.2, fill: CHART_COLOURS.data, fillOpacity: 0.6 }),
        ...extra(w),
      ],
    };
  };
}

/** The plane with the denoiser's field over it (when there is one): arrows from each grid point towards x̂₀, at most one cell long. */
export function fieldPlaneSpec(data: Points2D, field: Field2D | null, cells: number, drawable: boolean): ChartSpec {
  return planeSpec(data, (w) => (field ? [fieldArrows(field, cells, w)] : []), drawable);
}

/** The field's arrows for a chart `w` px wide: from each grid point towards x̂₀, at most one cell long. */
export function fieldArrows(field: Field2D, cells: number, w: number, stroke: string = CHART_COLOURS.field): Plot.Markish {
  const cell = (2 * VIEW_EXTENT) / cells;
  const cellPx = (w - 40) / cells;
  const rows = [];
  for (let k = 0; k < field.at.length / 2; k++) {
    const dx = field.predX0[2 * k] - field.at[2 * k], dy = field.predX0[2 * k + 1] - field.at[2 * k + 1];
    const d = Math.hypot(dx, dy);
    rows.push({
      x: field.at[2 * k],
      y: field.at[2 * k + 1],
      rotate: (Math.atan2(dx, dy) * 180) / Math.PI,
      length: 0.9 * cellPx * Math.min(1, d / cell),
    });
  }
  return Plot.vector(rows, { x: 'x', y: 'y', rotate: 'rotate', length: 'length', anchor: 'start', stroke, strokeWidth: 1.3, r: 2.5 });
}

/** A data set in labelled classes: each class's points and their colour. */
export interface LabelledClass {
  points: Points2D;
  colour: string;
}

/** The plane with each class's points in its own colour (a lighter dot than the samples'), and optional extra marks. */
export function labelledPlaneSpec(classes: readonly LabelledClass[], extra: (width: number) => Plot.Markish[] = () => []): ChartSpec {
  const none: Points2D = { xy: new Float32Array(0), n: 0 };
  return planeSpec(none, (w) => [
    ...classes.map((c) =>
      Plot.dot(
        Array.from({ length: c.points.n }, (_, i) => ({ x: c.points.xy[2 * i], y: c.points.xy[2 * i + 1] })),
        { x: 'x', y: 'y', r: 2.4, fill: c.colour, fillOpacity: 0.35 },
      ),
    ),
    ...extra(w),
  ]);
}

/** One sampler's error against its number of steps. */
export interface StepErrorSeries {
  name: string;
  colour: string;
  steps: readonly number[];
  error: readonly number[];
}

/**
 * Error against the number of sampling steps, both axes logarithmic: one line a sampler, its
 * name at its right end. The chosen step count is an overlay (a ruleX), so moving it never rebuilds.
 */
export function stepErrorSpec(series: readonly StepErrorSeries[], yLabel: string): ChartSpec {
  const rows = series.flatMap((s) => s.steps.map((k, i) => ({ name: s.name, steps: k, error: s.error[i] })).filter((r) => r.error > 0));
  const colours = { domain: series.map((s) => s.name), range: series.map((s) => s.colour) };
  const all = rows.map((r) => r.error);
  return ({ width }) => ({
    width,
    height: Math.round(Math.min(260, Math.max(190, width * 0.45))),
    marginLeft: 46,
    marginRight: 14,
    marginBottom: 36,
    x: { type: 'log', label: 'sampling steps →', domain: [1, Math.max(...series.flatMap((s) => s.steps))] },
    y: { type: 'log', label: yLabel, domain: [Math.min(...all) * 0.8, Math.max(...all) * 1.2], grid: true, tickFormat: (d: number) => String(d) },
    color: colours,
    marks: [
      Plot.line(rows, { x: 'steps', y: 'error', stroke: 'name', strokeWidth: 2 }),
      Plot.dot(rows, { x: 'steps', y: 'error', fill: 'name', r: 2.5 }),
    ],
  });
}
