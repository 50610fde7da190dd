// The Observable Plot specs of chapter 6's charts (for <plot-chart>): where a
// patch's cross-attention goes over the text tokens, the colour words' peaks
// over seeds, the judge's pass rate and the samples' diversity against the
// guidance scale, and the DiT paper's ablation of conditioning. Plain
// functions of their data.
import * as Plot from '@observablehq/plot';
import type { ScalePoint } from '../../pipeline/lessons/guidance-sweep';
import { CHART_COLOURS, type ChartSpec } from './plot-chart';

/** A text token as the share chart labels it. */
export interface SharePiece {
  text: string;
  kind: string;
}

/**
 * How the attention of an averaged map splits over the 24 text tokens (the padding summed):
 * `average` is 24 rows (one a text token) of one value a patch.
 */
export function attentionShareSpec(pieces: readonly SharePiece[], average: Float32Array): { spec: ChartSpec; alt: string } {
  const T = average.length / 24;
  const rows = pieces.map((p, i) => {
    let s = 0;
    for (let t = 0; t < T; t++) s += average[i * T + t];
    return { label: `${i} ${p.text}`, share: s / T, kind: p.kind };
  });
  let pad = 0;
  for (let i = pieces.length; i < 24; i++) for (let t = 0; t < T; t++) pad += average[i * T + t];
  if (pieces.length < 24) rows.push({ label: `<pad> × ${24 - pieces.length}`, share: pad / T, kind: 'special' });
  const spec: ChartSpec = ({ width }) => ({
    width,
    height: 34 + 20 * rows.length,
    marginLeft: 100,
    marginRight: 44,
    marginBottom: 30,
    x: { domain: [0, Math.max(0.05, ...rows.map((d) => d.share))], label: 'share of a patch’s attention →', tickFormat: (v: number) => `${Math.round(v * 100)} %`, ticks: 4 },
    y: { domain: rows.map((d) => d.label), label: null, tickSize: 0 },
    marks: [
      Plot.barX(rows, { y: 'label', x: 'share', fill: (d: { kind: string }) => (d.kind === 'special' ? CHART_COLOURS.faint : CHART_COLOURS.noise) }),
      Plot.text(rows, { y: 'label', x: 'share', text: (d: { share: number }) => `${(d.share * 100).toFixed(0)} %`, dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
  const alt = `On average a patch gives ${rows.map((d) => `${d.label.replace(/^\d+ /, '')} ${(d.share * 100).toFixed(0)} %`).join(', ')} of its cross-attention.`;
  return { spec, alt };
}

/** One square of the peaks chart: a seed, a colour word, and where its map's peak fell. */
export interface PeakCell {
  seed: number;
  word: string;
  state: 'inside' | 'outside' | 'no such object';
}

/** The colour words' peaks, seed by seed: inside the object of that colour, outside it, or no such object. */
export function peaksSpec(cells: readonly PeakCell[], seeds: readonly number[], words: readonly string[]): ChartSpec {
  return ({ width }) => ({
    width,
    height: 60 + 26 * words.length,
    marginLeft: 60,
    marginBottom: 34,
    x: { domain: seeds, label: 'seed →', tickSize: 0, ticks: width < 520 ? seeds.filter((_, k) => k % 5 === 0) : seeds },
    y: { domain: words, label: null, tickSize: 0 },
    color: { domain: ['inside', 'outside', 'no such object'], range: [CHART_COLOURS.accent, CHART_COLOURS.noise, CHART_COLOURS.faint] },
    marks: [Plot.cell(cells, { x: 'seed', y: 'word', fill: 'state', inset: 1.5 })],
  });
}

/** The guidance scales of the sweep's charts. */
const SCALE_DOMAIN: [number, number] = [0, 15];

/** The judge's pass rate against the guidance scale, with its 95 % (Wilson) intervals as bars. */
export function passRateSpec(done: readonly ScalePoint[], ci: readonly { scale: number; lo: number; hi: number }[]): ChartSpec {
  return ({ width }) => ({
    width,
    height: 220,
    marginLeft: 46,
    marginBottom: 38,
    x: { domain: SCALE_DOMAIN, label: 'guidance scale s →' },
    y: { domain: [0, 1], label: '↑ judge passes', tickFormat: (v: number) => `${Math.round(v * 100)} %`, grid: true },
    marks: [
      Plot.ruleX(ci, { x: 'scale', y1: 'lo', y2: 'hi', stroke: CHART_COLOURS.accent, strokeOpacity: 0.4, strokeWidth: 6 }),
      Plot.line(done, { x: 'scale', y: 'passRate', stroke: CHART_COLOURS.accent, strokeWidth: 2 }),
      Plot.dot(done, { x: 'scale', y: 'passRate', fill: CHART_COLOURS.accent, r: 4 }),
    ],
  });
}

/** The samples' diversity (mean pixel distance between seeds) against the guidance scale. */
export function diversitySpec(done: readonly ScalePoint[]): ChartSpec {
  const divMax = Math.max(0.1, ...done.map((p) => p.diversity));
  return ({ width }) => ({
    width,
    height: 220,
    marginLeft: 46,
    marginBottom: 38,
    x: { domain: SCALE_DOMAIN, label: 'guidance scale s →' },
    y: { domain: [0, divMax * 1.1], label: '↑ diversity (mean pixel distance between seeds)', grid: true },
    marks: [
      Plot.line(done, { x: 'scale', y: 'diversity', stroke: CHART_COLOURS.signal, strokeWidth: 2 }),
      Plot.dot(done, { x: 'scale', y: 'diversity', fill: CHART_COLOURS.signal, r: 4 }),
    ],
  });
}

/** Peebles & Xie 2023, DiT-XL/2 after 400K steps, FID-50K (lower is better). */
export const DIT_ABLATION = [
  { way: 'In-context', fid: 35.24, note: '' },
  { way: 'Cross-attention', fid: 26.14, note: '+15 % Gflops' },
  { way: 'adaLN', fid: 25.21, note: '' },
  { way: 'adaLN-Zero', fid: 19.47, note: 'the DiT’s choice' },
] as const;

/** The DiT paper's ablation of block designs: FID-50K of each, adaLN-Zero marked. */
export function ablationSpec(rows: readonly { way: string; fid: number; note: string }[] = DIT_ABLATION): ChartSpec {
  return ({ width }) => ({
    width,
    height: 190,
    marginLeft: 110,
    marginRight: 110,
    marginBottom: 36,
    x: { domain: [0, 40], label: 'FID-50K (lower is better) →', grid: true },
    y: { domain: rows.map((d) => d.way), label: null, tickSize: 0 },
    marks: [
      Plot.barX(rows, { y: 'way', x: 'fid', fill: (d: { way: string }) => (d.way === 'adaLN-Zero' ? CHART_COLOURS.accent : CHART_COLOURS.data) }),
      Plot.text(rows, { y: 'way', x: 'fid', text: (d: { fid: number; note: string }) => `${d.fid.toFixed(2)}${d.note ? `  ${d.note}` : ''}`, dx: 5, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
}
