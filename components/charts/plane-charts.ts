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
  return planeSpec(data, (w) => {
    if (!field) return [];
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
    return [Plot.vector(rows, { x: 'x', y: 'y', rotate: 'rotate', length: 'length', anchor: 'start', stroke: CHART_COLOURS.field, strokeWidth: 1.3, r: 2.5 })];
  }, drawable);
}
