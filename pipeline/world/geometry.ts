/**
 * The three shapes of the Shapes World as geometry: extents, inside tests,
 * area centroids and distances (world-spec "Objects").
 * Offsets (dx, dy) are measured from the shape's centre (cx, cy); y grows down.
 */
import type { Shape } from './spec';

/** Half-side of a square of "radius" r. */
export const SQUARE_HALF_SIDE = 0.85;
/** A triangle's base sits 0.8·r below its centre; its apex r above. */
export const TRIANGLE_BASE = 0.8;

export interface Extent { left: number; right: number; top: number; bottom: number }

/** The bounding box of a shape, as offsets from its centre. */
export function extentOf(shape: Shape, r: number): Extent {
  if (shape === 'square') {
    const h = SQUARE_HALF_SIDE * r;
    return { left: -h, right: h, top: -h, bottom: h };
  }
  if (shape === 'triangle') return { left: -r, right: r, top: -r, bottom: TRIANGLE_BASE * r };
  return { left: -r, right: r, top: -r, bottom: r };
}

/** Vertical offset of the area centroid from the centre (0.2·r for a triangle). */
export function centroidOffsetY(shape: Shape, r: number): number {
  // Mean of the vertices: (−r + 0.8r + 0.8r) / 3 = 0.2r.
  return shape === 'triangle' ? (-r + 2 * TRIANGLE_BASE * r) / 3 : 0;
}

/** Whether the point at offset (dx, dy) lies inside the shape (boundary included). */
export function isInside(shape: Shape, r: number, dx: number, dy: number): boolean {
  if (shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (shape === 'square') {
    const h = SQUARE_HALF_SIDE * r;
    return Math.abs(dx) <= h && Math.abs(dy) <= h;
  }
  // Triangle: apex (0, −r), base corners (±r, 0.8r). Half-width grows linearly downwards.
  if (dy < -r || dy > TRIANGLE_BASE * r) return false;
  return Math.abs(dx) <= (r * (dy + r)) / ((1 + TRIANGLE_BASE) * r);
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax, ey = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * ex + (py - ay) * ey) / (ex * ex + ey * ey)));
  return Math.hypot(px - ax - t * ex, py - ay - t * ey);
}

/** Corners of a polygonal shape, clockwise on screen. */
export function cornersOf(shape: 'square' | 'triangle', r: number): [number, number][] {
  if (shape === 'square') {
    const h = SQUARE_HALF_SIDE * r;
    return [[-h, -h], [h, -h], [h, h], [-h, h]];
  }
  return [[0, -r], [r, TRIANGLE_BASE * r], [-r, TRIANGLE_BASE * r]];
}

/** Distance from the offset (dx, dy) to the shape: 0 inside, positive outside. */
export function distanceTo(shape: Shape, r: number, dx: number, dy: number): number {
  if (shape === 'circle') return Math.max(0, Math.hypot(dx, dy) - r);
  if (isInside(shape, r, dx, dy)) return 0;
  const c = cornersOf(shape, r);
  let d = Infinity;
  for (let i = 0; i < c.length; i++) {
    const [ax, ay] = c[i], [bx, by] = c[(i + 1) % c.length];
    d = Math.min(d, segmentDistance(dx, dy, ax, ay, bx, by));
  }
  return d;
}

/** Points along the shape's outline, at most `step` px apart (offsets from the centre). */
export function outlineOf(shape: Shape, r: number, step = 0.05): [number, number][] {
  const pts: [number, number][] = [];
  if (shape === 'circle') {
    const n = Math.ceil((2 * Math.PI * r) / step);
    for (let i = 0; i < n; i++) pts.push([r * Math.cos((2 * Math.PI * i) / n), r * Math.sin((2 * Math.PI * i) / n)]);
    return pts;
  }
  const c = cornersOf(shape, r);
  for (let i = 0; i < c.length; i++) {
    const [ax, ay] = c[i], [bx, by] = c[(i + 1) % c.length];
    const n = Math.ceil(Math.hypot(bx - ax, by - ay) / step);
    for (let k = 0; k < n; k++) pts.push([ax + ((bx - ax) * k) / n, ay + ((by - ay) * k) / n]);
  }
  return pts;
}
