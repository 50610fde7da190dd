/**
 * Drawing (world-spec "Drawing"): each pixel's coverage is the fraction of its
 * 4 × 4 sub-samples, at ((k + 0.5)/4, (l + 0.5)/4) inside the pixel, that fall
 * inside the shape; the colour is blended over what lies below by coverage,
 * then rounded to 8 bits.
 */
import { extentOf, isInside } from './geometry';
import { PALETTE, RADIUS, type Colour, type Shape, type Size } from './spec';

export const SUBSAMPLES = 4;

export interface PlacedShape {
  shape: Shape;
  size: Size;
  colour: Colour;
  cx: number;
  cy: number;
}

/** Coverage (0–1) of each pixel of a width × height frame by one shape, with its bounding pixels. */
export function coverageOf(p: PlacedShape, width: number, height: number): { x0: number; y0: number; w: number; h: number; cover: Float32Array } {
  const r = RADIUS[p.size];
  const e = extentOf(p.shape, r);
  const x0 = Math.max(0, Math.floor(p.cx + e.left));
  const x1 = Math.min(width, Math.ceil(p.cx + e.right));
  const y0 = Math.max(0, Math.floor(p.cy + e.top));
  const y1 = Math.min(height, Math.ceil(p.cy + e.bottom));
  const w = Math.max(0, x1 - x0), h = Math.max(0, y1 - y0);
  const cover = new Float32Array(w * h);
  const n = SUBSAMPLES * SUBSAMPLES;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      let hits = 0;
      for (let l = 0; l < SUBSAMPLES; l++) {
        const dy = y0 + i + (l + 0.5) / SUBSAMPLES - p.cy;
        for (let k = 0; k < SUBSAMPLES; k++) {
          if (isInside(p.shape, r, x0 + j + (k + 0.5) / SUBSAMPLES - p.cx, dy)) hits++;
        }
      }
      cover[i * w + j] = hits / n;
    }
  }
  return { x0, y0, w, h, cover };
}

/** Draw shapes, in order, over a black frame; returns RGB bytes (H, W, 3). */
export function drawFrame(shapes: readonly PlacedShape[], width: number, height: number, out?: Uint8Array): Uint8Array {
  const acc = new Float32Array(width * height * 3);
  for (const p of shapes) {
    const { x0, y0, w, h, cover } = coverageOf(p, width, height);
    const rgb = PALETTE[p.colour];
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const c = cover[i * w + j];
        if (c === 0) continue;
        const o = ((y0 + i) * width + x0 + j) * 3;
        for (let ch = 0; ch < 3; ch++) acc[o + ch] = acc[o + ch] * (1 - c) + rgb[ch] * c;
      }
    }
  }
  const bytes = out ?? new Uint8Array(width * height * 3);
  for (let i = 0; i < acc.length; i++) bytes[i] = Math.round(acc[i]);
  return bytes;
}
