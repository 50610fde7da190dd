/**
 * Reading frames back into objects (world-spec "The judge"). DOM-free.
 *
 * Per frame:
 *  1. Each pixel p is of palette colour k when a = (p·k)/(k·k) ≥ 0.5 and
 *     ‖p − a·k‖ ≤ 40 (the colour with the smallest residual wins, should two
 *     qualify; with this palette that never happens).
 *  2. An 8-connected group of ≥ 6 pixels of one palette colour is an object.
 *  3. Lit pixels (a channel > 48) that are neither an object's pixel nor one of
 *     its 8 neighbours are grouped (8-connected); a group of ≥ 6 is clutter
 *     ("anything else": the clip fails).
 *  4. Each object gets a coverage weight per pixel: coverage = a, clamped to
 *     [0, 1], over its own pixels and its 8-neighbour ring (the anti-aliased
 *     edge), where the ring pixel's colour is consistent with the object's
 *     (‖p − a·k‖ ≤ 40). Area, centroid and moments are coverage-weighted, each
 *     pixel's weight at its centre (j + 0.5, i + 0.5).
 *  5. Shape and size: the object's moments are compared with those of the three
 *     drawn shapes at both sizes (rendered once, with the world's own drawing, at
 *     16 sub-pixel offsets); the nearest of the six wins (see `classifyShape`).
 *
 * Objects are tracked across frames by colour (the objects of a clip have
 * distinct colours). A colour seen as several objects in one frame, an object
 * missing from some frames, or one whose shape or size changes, is a problem
 * of the reading, reported in `problems`.
 *
 * Frame size: any width × height works (the world uses 32 × 32; multiples of 8
 * are what the project produces). Positions use grid thirds of that size; sizes
 * keep r in pixels as the world draws them (small r = 4 px, big r = 7 px at any
 * frame size), and so do the motion thresholds (4 px, 2 px).
 */
import { drawFrame } from './draw';
import {
  COLOURS, DIRECTIONS, DIRECTION_VECTOR, JUDGE, PALETTE, POSITIONS, SHAPES, SIZES,
  cellOf, type Colour, type Direction, type Motion, type Position, type Shape, type Size,
} from './spec';

/** A bounding box in pixel coordinates: columns x0 ≤ j < x1, rows y0 ≤ i < y1. */
export interface Box { x0: number; y0: number; x1: number; y1: number }

/** Scale-free moments the shape is judged by (see `classifyShape`). */
export interface ShapeFeatures {
  /** Vertical skewness μ03 / μ02^1.5: 0 for a circle or a square, about −0.57 for the triangle (apex up). */
  skew: number;
  /** μ22 / ((μ40 + μ04) / 2): 1/3 for a disc, 5/9 for an axis-aligned square. */
  squareness: number;
  /** (μ20 + μ02) / area: how spread the mass is for its area (0.159 disc, 0.167 square, 0.193 triangle). */
  spread: number;
  /** ln(area in px²). */
  logArea: number;
}

export interface ObjectReading {
  colour: Colour;
  shape: Shape;
  size: Size;
  /** Coverage-weighted area in px² (sum of the clamped coverages). */
  area: number;
  /** Coverage-weighted area centroid (x, y) in px, y down. */
  centroid: [number, number];
  /** Bounding box of the object's palette pixels. */
  box: Box;
  /** Number of palette pixels in the group. */
  pixels: number;
  /** width × height: the object's coverage (0–255) on its pixels and its anti-aliased edge; 0 elsewhere. */
  mask: Uint8Array;
  features: ShapeFeatures;
  /** Distance of the features to each of the six drawn templates, "shape size" → distance. */
  fit: Record<string, number>;
}

export interface ClutterReading {
  /** Lit pixels in the group. */
  pixels: number;
  box: Box;
  /** Mean position (x, y) of the group's pixels. */
  centroid: [number, number];
}

export interface FrameReading {
  /** Every object found (several may share a colour; that is a problem). */
  objects: ObjectReading[];
  clutter: ClutterReading[];
}

/** One object followed through the clip by its colour. */
export interface Track {
  colour: Colour;
  /** The object in each frame (the largest group of this colour), or null where missing. */
  frames: (ObjectReading | null)[];
  /** The shape in every frame where present, or null when it changes. */
  shape: Shape | null;
  /** The size in every frame where present, or null when it changes. */
  size: Size | null;
  /** Grid cell of the centroid in the first frame (where the object first appears, if not in the first). */
  position: Position;
  /**
   * The motion that the judge's rules read, with at least 2 frames: 'still' when every
   * centroid stays within 2 px of the first; a direction when the net displacement is
   * ≥ 4 px along it and less than half of that across; null otherwise (and in a one-frame image).
   */
  motion: Motion | null;
  /** Net displacement of the centroid (dx, dy) from the first to the last frame where present. */
  displacement: [number, number];
  /** Largest distance of a centroid from the first one. */
  maxDrift: number;
}

export interface Reading {
  numFrames: number;
  width: number;
  height: number;
  frames: FrameReading[];
  /** One track per colour found, in palette order. */
  tracks: Track[];
  /** What breaks the world's rules whatever the prompt: clutter, split colours, missing objects, changing shape or size. */
  problems: string[];
}

const PALETTE_VECTORS = COLOURS.map((c) => PALETTE[c]);
const PALETTE_NORM2 = PALETTE_VECTORS.map(([r, g, b]) => r * r + g * g + b * b);
const MAX_RESIDUAL2 = JUDGE.maxResidual * JUDGE.maxResidual;

const MIN_NORM2 = Math.min(...PALETTE_NORM2) * JUDGE.minProjection * JUDGE.minProjection;

/** Projection a of a pixel on colour k. */
function projection(r: number, g: number, b: number, k: number): number {
  const v = PALETTE_VECTORS[k];
  return (r * v[0] + g * v[1] + b * v[2]) / PALETTE_NORM2[k];
}

/** Squared residual ‖p − a·k‖² of a pixel on colour k. */
function residual2(r: number, g: number, b: number, k: number): number {
  const v = PALETTE_VECTORS[k];
  const dot = r * v[0] + g * v[1] + b * v[2];
  return Math.max(0, r * r + g * g + b * b - (dot * dot) / PALETTE_NORM2[k]);
}

/** The palette colour index of a pixel (spec rule), or −1. */
export function paletteIndexOf(r: number, g: number, b: number): number {
  const p2 = r * r + g * g + b * b;
  if (p2 < MIN_NORM2) return -1; // a ≥ 0.5 needs ‖p‖ ≥ 0.5·‖k‖
  let best = -1, bestRes = Infinity;
  for (let k = 0; k < PALETTE_VECTORS.length; k++) {
    const v = PALETTE_VECTORS[k];
    const dot = r * v[0] + g * v[1] + b * v[2];
    if (dot < JUDGE.minProjection * PALETTE_NORM2[k]) continue;
    const res2 = p2 - (dot * dot) / PALETTE_NORM2[k];
    if (res2 <= MAX_RESIDUAL2 && res2 < bestRes) {
      best = k;
      bestRes = res2;
    }
  }
  return best;
}

const DI = [-1, -1, -1, 0, 0, 1, 1, 1];
const DJ = [-1, 0, 1, -1, 1, -1, 0, 1];

/** 8-connected groups of pixels where `key` is equal and ≥ 0 (lists of pixel indices). */
function groups(key: Int8Array, width: number, height: number): number[][] {
  const n = width * height;
  const seen = new Uint8Array(n);
  const members: number[][] = [];
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (key[start] < 0 || seen[start]) continue;
    const k = key[start];
    const list: number[] = [];
    let top = 0;
    seen[start] = 1;
    stack[top++] = start;
    while (top > 0) {
      const p = stack[--top];
      list.push(p);
      const i = (p / width) | 0, j = p - i * width;
      for (let d = 0; d < 8; d++) {
        const ii = i + DI[d], jj = j + DJ[d];
        if (ii < 0 || jj < 0 || ii >= height || jj >= width) continue;
        const q = ii * width + jj;
        if (!seen[q] && key[q] === k) {
          seen[q] = 1;
          stack[top++] = q;
        }
      }
    }
    members.push(list);
  }
  return members;
}

interface Moments { area: number; cx: number; cy: number; features: ShapeFeatures }

/** Coverage-weighted moments of weights given at pixel indices. */
function momentsOf(indices: readonly number[], weights: readonly number[], width: number): Moments {
  let m = 0, sx = 0, sy = 0;
  for (let n = 0; n < indices.length; n++) {
    const w = weights[n];
    const i = (indices[n] / width) | 0, j = indices[n] - i * width;
    m += w;
    sx += w * (j + 0.5);
    sy += w * (i + 0.5);
  }
  const cx = m > 0 ? sx / m : 0, cy = m > 0 ? sy / m : 0;
  let m20 = 0, m02 = 0, m03 = 0, m40 = 0, m04 = 0, m22 = 0;
  for (let n = 0; n < indices.length; n++) {
    const w = weights[n];
    const i = (indices[n] / width) | 0, j = indices[n] - i * width;
    const dx = j + 0.5 - cx, dy = i + 0.5 - cy;
    const dx2 = dx * dx, dy2 = dy * dy;
    m20 += w * dx2;
    m02 += w * dy2;
    m03 += w * dy2 * dy;
    m40 += w * dx2 * dx2;
    m04 += w * dy2 * dy2;
    m22 += w * dx2 * dy2;
  }
  const safe = (v: number) => (Number.isFinite(v) ? v : 0);
  const mu02 = m > 0 ? m02 / m : 0;
  return {
    area: m, cx, cy,
    features: {
      skew: safe(m > 0 && mu02 > 0 ? m03 / m / mu02 ** 1.5 : 0),
      squareness: safe(m40 + m04 > 0 ? m22 / ((m40 + m04) / 2) : 0),
      spread: safe(m > 0 ? (m20 + m02) / (m * m) : 0),
      logArea: Math.log(Math.max(m, 1e-6)),
    },
  };
}

// ---------------------------------------------------------------- shape fit

interface Template { shape: Shape; size: Size; features: ShapeFeatures }
let templates: Template[] | null = null;

/**
 * The six drawn templates: each shape at each size, drawn with the world's own
 * drawing at 16 sub-pixel offsets and read back the way objects are read; their
 * features are averaged.
 */
function getTemplates(): Template[] {
  if (templates) return templates;
  const out: Template[] = [];
  const W = 32;
  for (const shape of SHAPES) {
    for (const size of SIZES) {
      const acc: ShapeFeatures = { skew: 0, squareness: 0, spread: 0, logArea: 0 };
      let n = 0;
      for (let u = 0; u < 4; u++) {
        for (let v = 0; v < 4; v++) {
          const frame = drawFrame([{ shape, size, colour: 'red', cx: 15 + (u + 0.5) / 4, cy: 15 + (v + 0.5) / 4 }], W, W);
          const found = readFrame(frame, W, W, false).objects;
          if (found.length !== 1) continue;
          const f = found[0].features;
          acc.skew += f.skew; acc.squareness += f.squareness; acc.spread += f.spread; acc.logArea += f.logArea;
          n++;
        }
      }
      out.push({ shape, size, features: { skew: acc.skew / n, squareness: acc.squareness / n, spread: acc.spread / n, logArea: acc.logArea / n } });
    }
  }
  templates = out;
  return out;
}

/**
 * How far apart two feature sets are: each feature divided by a fixed scale
 * (about a tenth of the gap between the shapes it separates), squared and summed.
 * Skewness separates the triangle, squareness the circle from the square,
 * ln(area) the sizes; spread helps both.
 */
const FEATURE_SCALE: ShapeFeatures = { skew: 0.08, squareness: 0.03, spread: 0.01, logArea: 0.15 };

function featureDistance(a: ShapeFeatures, b: ShapeFeatures): number {
  let d = 0;
  for (const key of ['skew', 'squareness', 'spread', 'logArea'] as const) {
    const z = (a[key] - b[key]) / FEATURE_SCALE[key];
    d += z * z;
  }
  return d;
}

/** The nearest of the six drawn templates (shape, size) to these features, with every distance. */
export function classifyShape(features: ShapeFeatures): { shape: Shape; size: Size; fit: Record<string, number> } {
  let best: Template | null = null, bestD = Infinity;
  const fit: Record<string, number> = {};
  for (const t of getTemplates()) {
    const d = featureDistance(features, t.features);
    fit[`${t.shape} ${t.size}`] = d;
    if (d < bestD) {
      bestD = d;
      best = t;
    }
  }
  return { shape: best!.shape, size: best!.size, fit };
}

// ---------------------------------------------------------------- frames

/** Read one frame (RGB bytes, H × W × 3) into objects and clutter. */
export function readFrame(rgb: Uint8Array, width: number, height: number, classify = true): FrameReading {
  const n = width * height;
  const colourOf = new Int8Array(n);
  for (let p = 0; p < n; p++) colourOf[p] = paletteIndexOf(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]);
  // Objects: groups of at least minGroup palette pixels of one colour.
  const objectOf = new Int16Array(n).fill(-1);
  const objectGroups: number[][] = [];
  for (const list of groups(colourOf, width, height)) {
    if (list.length < JUDGE.minGroup) continue;
    for (const p of list) objectOf[p] = objectGroups.length;
    objectGroups.push(list);
  }
  // Each object's weights: coverage a (clamped to [0, 1]) on its own pixels, and on
  // the ring of pixels next to them (8 neighbours) where the colour fits (residual ≤ 40).
  // A ring pixel next to two objects joins the one whose colour explains it best.
  const nearObject = new Uint8Array(n);
  const ringOf = new Int16Array(n).fill(-1);
  const ringWeight = new Float32Array(n);
  const pixelsOf: number[][] = [];
  const weightsOf: number[][] = [];
  for (let o = 0; o < objectGroups.length; o++) {
    const g = objectGroups[o];
    const k = colourOf[g[0]];
    pixelsOf.push(g.slice());
    weightsOf.push(g.map((p) => Math.min(1, projection(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2], k))));
    for (const p of g) {
      const i = (p / width) | 0, j = p - i * width;
      for (let d = 0; d < 8; d++) {
        const ii = i + DI[d], jj = j + DJ[d];
        if (ii < 0 || jj < 0 || ii >= height || jj >= width) continue;
        const q = ii * width + jj;
        if (objectOf[q] >= 0 || ringOf[q] === o) continue;
        nearObject[q] = 1;
        const r = rgb[3 * q], gg = rgb[3 * q + 1], b = rgb[3 * q + 2];
        const w = residual2(r, gg, b, k) <= MAX_RESIDUAL2 ? Math.min(1, Math.max(0, projection(r, gg, b, k))) : 0;
        if (ringOf[q] < 0 || w > ringWeight[q]) {
          ringOf[q] = o;
          ringWeight[q] = w;
        }
      }
    }
  }
  for (let p = 0; p < n; p++) {
    if (ringOf[p] >= 0 && ringWeight[p] > 0) {
      pixelsOf[ringOf[p]].push(p);
      weightsOf[ringOf[p]].push(ringWeight[p]);
    }
  }
  const objects: ObjectReading[] = [];
  for (let o = 0; o < objectGroups.length; o++) {
    const g = objectGroups[o];
    const mom = momentsOf(pixelsOf[o], weightsOf[o], width);
    const box = boxOf(g, width, height);
    const mask = new Uint8Array(n);
    pixelsOf[o].forEach((p, m) => (mask[p] = Math.round(weightsOf[o][m] * 255)));
    const cls = classify ? classifyShape(mom.features) : { shape: 'circle' as Shape, size: 'small' as Size, fit: {} };
    objects.push({
      colour: COLOURS[colourOf[g[0]]], shape: cls.shape, size: cls.size, area: mom.area, centroid: [mom.cx, mom.cy], box,
      pixels: g.length, mask, features: mom.features, fit: cls.fit,
    });
  }
  // Clutter: lit pixels neither an object's nor next to one, in groups of at least minGroup.
  const lit = new Int8Array(n).fill(-1);
  const t = JUDGE.litChannel;
  for (let p = 0; p < n; p++) {
    if (objectOf[p] >= 0 || nearObject[p]) continue;
    if (rgb[3 * p] > t || rgb[3 * p + 1] > t || rgb[3 * p + 2] > t) lit[p] = 1;
  }
  const clutter: ClutterReading[] = [];
  for (const list of groups(lit, width, height)) {
    if (list.length < JUDGE.minGroup) continue;
    let sx = 0, sy = 0;
    for (const p of list) {
      const i = (p / width) | 0;
      sx += p - i * width + 0.5;
      sy += i + 0.5;
    }
    clutter.push({ pixels: list.length, box: boxOf(list, width, height), centroid: [sx / list.length, sy / list.length] });
  }
  return { objects, clutter };
}

function boxOf(list: readonly number[], width: number, height: number): Box {
  const box: Box = { x0: width, y0: height, x1: 0, y1: 0 };
  for (const p of list) {
    const i = (p / width) | 0, j = p - i * width;
    if (j < box.x0) box.x0 = j;
    if (j + 1 > box.x1) box.x1 = j + 1;
    if (i < box.y0) box.y0 = i;
    if (i + 1 > box.y1) box.y1 = i + 1;
  }
  return box;
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();
const frameList = (ts: number[]) => (ts.length === 1 ? `frame ${ts[0] + 1}` : `frames ${ts.map((t) => t + 1).join(', ')}`);
const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** The motion a track's centroids show under the judge's rules (null for one frame or none that fits). */
export function motionOf(first: [number, number], last: [number, number], maxDrift: number, numFrames: number): Motion | null {
  if (numFrames < 2) return null;
  if (maxDrift <= JUDGE.stillTolerance) return 'still';
  for (const d of DIRECTIONS) if (movesAlong(first, last, d).ok) return d;
  return null;
}

/** The moving rule: net displacement ≥ 4 px along the direction and less than half of that across. */
export function movesAlong(first: [number, number], last: [number, number], d: Direction): { ok: boolean; along: number; across: number } {
  const [vx, vy] = DIRECTION_VECTOR[d];
  const dx = last[0] - first[0], dy = last[1] - first[1];
  const along = dx * vx + dy * vy;
  const across = Math.abs(dx * vy - dy * vx);
  return { ok: along >= JUDGE.minTravel && across < along / 2, along, across };
}

function buildTracks(frames: FrameReading[], width: number, height: number, problems: string[]): Track[] {
  const T = frames.length;
  const tracks: Track[] = [];
  for (const colour of COLOURS) {
    const per: (ObjectReading | null)[] = [];
    const splitIn: number[] = [];
    for (let t = 0; t < T; t++) {
      const mine = frames[t].objects.filter((o) => o.colour === colour);
      if (mine.length > 1) splitIn.push(t);
      per.push(mine.length ? mine.reduce((a, b) => (b.area > a.area ? b : a)) : null);
    }
    const present = per.map((o, t) => (o ? t : -1)).filter((t) => t >= 0);
    if (present.length === 0) continue;
    if (splitIn.length) {
      const most = Math.max(...splitIn.map((t) => frames[t].objects.filter((o) => o.colour === colour).length));
      problems.push(`the ${colour} colour appears as ${most} separate objects in ${frameList(splitIn)} (one object a colour)`);
    }
    const missing = per.map((o, t) => (o ? -1 : t)).filter((t) => t >= 0);
    if (missing.length) problems.push(`the ${colour} object is missing from ${frameList(missing)}`);
    const seen = present.map((t) => per[t]!);
    const consistent = <K extends 'shape' | 'size'>(key: K): ObjectReading[K] | null => {
      const values = new Set(seen.map((o) => o[key]));
      if (values.size === 1) return seen[0][key];
      const parts = [...values].map((v) => `${key === 'shape' ? `${article(v)} ${v}` : v} in ${frameList(present.filter((t) => per[t]![key] === v))}`);
      problems.push(`the ${colour} object changes ${key}: ${parts.join(', ')}`);
      return null;
    };
    const shape = consistent('shape');
    const size = consistent('size');
    const first = seen[0].centroid, last = seen[seen.length - 1].centroid;
    let maxDrift = 0;
    for (const o of seen) maxDrift = Math.max(maxDrift, Math.hypot(o.centroid[0] - first[0], o.centroid[1] - first[1]));
    tracks.push({
      colour, frames: per, shape, size,
      position: POSITIONS[cellOf(first[0], first[1], width, height)],
      motion: motionOf(first, last, maxDrift, T),
      displacement: [last[0] - first[0], last[1] - first[1]],
      maxDrift,
    });
  }
  return tracks;
}

/**
 * Read a clip (RGB bytes, frame-major (T, H, W, 3)) into objects, tracks and
 * problems. Throws an Error with a clear message when the sizes do not fit the
 * buffer; never otherwise.
 */
export function readFrames(frames: Uint8Array, numFrames: number, width: number, height: number): Reading {
  const okInt = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (!((frames as unknown) instanceof Uint8Array) && !((frames as unknown) instanceof Uint8ClampedArray)) throw new Error('frames must be a Uint8Array of RGB bytes');
  if (!okInt(numFrames, 1, 4096)) throw new Error(`numFrames must be a whole number from 1 to 4096, not ${String(numFrames)}`);
  if (!okInt(width, 1, 4096) || !okInt(height, 1, 4096)) throw new Error(`width and height must be whole numbers from 1 to 4096, not ${String(width)} × ${String(height)}`);
  const size = width * height * 3;
  if (frames.length !== numFrames * size) {
    throw new Error(`frames hold ${frames.length} bytes, but ${numFrames} frame(s) of ${width} × ${height} RGB need ${numFrames * size}`);
  }
  const out: FrameReading[] = [];
  for (let t = 0; t < numFrames; t++) out.push(readFrame(frames.subarray(t * size, (t + 1) * size), width, height));
  const problems: string[] = [];
  const cluttered = out.map((f, t) => (f.clutter.length ? t : -1)).filter((t) => t >= 0);
  if (cluttered.length) {
    const c = out[cluttered[0]].clutter.reduce((a, b) => (b.pixels > a.pixels ? b : a));
    problems.push(
      `something else is there: ${c.pixels} lit pixels around (${fmt(c.centroid[0])}, ${fmt(c.centroid[1])}) in ${frameList(cluttered.slice(0, 1))}` +
      `${cluttered.length > 1 ? ` (and in ${cluttered.length - 1} more frame${cluttered.length > 2 ? 's' : ''})` : ''} that are no Shapes World object`,
    );
  }
  const tracks = buildTracks(out, width, height, problems);
  return { numFrames, width, height, frames: out, tracks, problems };
}

// ---------------------------------------------------------------- words

/** "a big red circle" for a track (a changing shape or size is left unnamed). */
export function trackNoun(t: Track): string {
  const words = [t.size, t.colour, t.shape ?? 'shape'].filter(Boolean) as string[];
  return `${article(words[0])} ${words.join(' ')}`;
}

/**
 * A reading in words, as alternative text: "a big red circle moving right, from
 * the top left and a small blue square staying still, in the center" for a clip,
 * "a big red circle in the top left" for an image. Clutter and an empty frame are
 * said too.
 */
export function describeReading(r: Reading, options: { clutter?: boolean } = {}): string {
  const parts = r.tracks.map((t) => {
    const noun = trackNoun(t);
    if (r.numFrames < 2) return `${noun} in the ${t.position}`;
    if (t.motion === 'still') return `${noun} staying still, in the ${t.position}`;
    if (t.motion) return `${noun} moving ${t.motion}, from the ${t.position}`;
    return `${noun} drifting, from the ${t.position}`;
  });
  const clutter = options.clutter !== false && r.frames.some((f) => f.clutter.length);
  if (clutter) parts.push('something that is no Shapes World object');
  if (parts.length === 0) return r.numFrames < 2 ? 'an empty image' : 'an empty clip';
  return parts.join(' and ');
}
