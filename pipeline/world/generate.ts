/**
 * The Shapes World generator: seeded and deterministic (same seed, same clip,
 * in Node and in the browser). Clips of any number of frames (the world uses
 * 1 — an image — and 8), 1 or 2 objects, resampled until the objects never
 * touch in any frame. Phrases constrain what a clip must show; every attribute
 * they leave unstated is drawn by the seed.
 */
import { createRandom, type Random } from '../random';
import { describeCaption, phrasesProblems } from './caption';
import { drawFrame, type PlacedShape } from './draw';
import { centroidOffsetY, distanceTo, extentOf, outlineOf } from './geometry';
import {
  CLIP_FRAMES, COLOURS, DIRECTION_VECTOR, FRAME_SIZE, MOTIONS, POSITIONS, RADIUS, SHAPES, SIZES, SPEED_RANGE,
  cellOf, type Clip, type Colour, type Motion, type ObjectPhrase, type WorldObject,
} from './spec';

export interface GenerateOptions {
  /** Frames in the clip: 1 is an image; the world's clips have 8. */
  frames?: number;
  /** Number of objects (1 or 2) when no phrases are given; random otherwise. */
  objects?: 1 | 2;
  /** What each object must be; unstated attributes are drawn at random. */
  phrases?: readonly ObjectPhrase[];
  width?: number;
  height?: number;
}

/** Objects are kept at least this far apart: grown by 1 px each, they must not overlap. */
const MIN_GAP = 2;
const MAX_PLACEMENTS = 400;
const MAX_ATTEMPTS = 50;

export class WorldError extends Error {}

interface Attributes { colour: Colour; shape: WorldObject['shape']; size: WorldObject['size']; motion: Motion | null; speed: number; cell: number | null }

function drawAttributes(rng: Random, phrases: readonly ObjectPhrase[], count: number, isClip: boolean): Attributes[] {
  const used = new Set<Colour>(phrases.map((p) => p.colour).filter((c): c is Colour => !!c));
  const out: Attributes[] = [];
  for (let i = 0; i < count; i++) {
    const p: Partial<ObjectPhrase> = phrases[i] ?? {};
    let colour = p.colour;
    if (!colour) {
      colour = rng.pick(COLOURS.filter((c) => !used.has(c)));
      used.add(colour);
    }
    const motion = isClip ? (p.motion ?? rng.pick(MOTIONS)) : null;
    out.push({
      colour,
      shape: p.shape ?? rng.pick(SHAPES),
      size: p.size ?? rng.pick(SIZES),
      motion,
      speed: motion && motion !== 'still' ? rng.range(SPEED_RANGE[0], SPEED_RANGE[1]) : 0,
      cell: p.position !== undefined ? POSITIONS.indexOf(p.position) : isClip ? null : rng.int(9),
    });
  }
  return out;
}

/** Interval of centre coordinates [lo, hi] on one axis, or null when empty. */
function interval(lo: number, hi: number): [number, number] | null {
  return lo <= hi ? [lo, hi] : null;
}

/** Draw the first-frame centre of an object so it stays inside the frame (and in its cell). */
function placeCentre(rng: Random, a: Attributes, frames: number, width: number, height: number): [number, number] | null {
  const r = RADIUS[a.size];
  const e = extentOf(a.shape, r);
  const off = centroidOffsetY(a.shape, r);
  const [vx, vy] = a.motion && a.motion !== 'still' ? DIRECTION_VECTOR[a.motion] : [0, 0];
  const travelX = vx * a.speed * (frames - 1);
  const travelY = vy * a.speed * (frames - 1);
  let xs = interval(-e.left - Math.min(0, travelX), width - e.right - Math.max(0, travelX));
  let ys = interval(-e.top - Math.min(0, travelY), height - e.bottom - Math.max(0, travelY));
  if (a.cell !== null && xs && ys) {
    // The centroid must sit in the cell, at least 1 px from every grid line.
    const col = a.cell % 3, row = Math.floor(a.cell / 3);
    xs = interval(Math.max(xs[0], (col * width) / 3 + 1), Math.min(xs[1], ((col + 1) * width) / 3 - 1));
    ys = ys && interval(Math.max(ys[0], (row * height) / 3 + 1 - off), Math.min(ys[1], ((row + 1) * height) / 3 - 1 - off));
  }
  if (!xs || !ys) return null;
  return [rng.range(xs[0], xs[1]), rng.range(ys[0], ys[1])];
}

function objectPath(a: Attributes, start: [number, number], frames: number, width: number, height: number): WorldObject {
  const [vx, vy] = a.motion && a.motion !== 'still' ? DIRECTION_VECTOR[a.motion] : [0, 0];
  const off = centroidOffsetY(a.shape, RADIUS[a.size]);
  const centres: [number, number][] = [];
  const centroids: [number, number][] = [];
  for (let t = 0; t < frames; t++) {
    const c: [number, number] = [start[0] + vx * a.speed * t, start[1] + vy * a.speed * t];
    centres.push(c);
    centroids.push([c[0], c[1] + off]);
  }
  return {
    colour: a.colour, shape: a.shape, size: a.size,
    position: POSITIONS[cellOf(centroids[0][0], centroids[0][1], width, height)],
    motion: a.motion, speed: a.speed, centres, centroids,
  };
}

/** Whether two objects, grown by 1 px each, overlap in any frame. */
export function objectsTouch(a: WorldObject, b: WorldObject): boolean {
  const ra = RADIUS[a.size], rb = RADIUS[b.size];
  const ea = extentOf(a.shape, ra), eb = extentOf(b.shape, rb);
  let outline: [number, number][] | null = null;
  for (let t = 0; t < a.centres.length; t++) {
    const [ax, ay] = a.centres[t], [bx, by] = b.centres[t];
    const apart =
      ax + ea.right + MIN_GAP < bx + eb.left || bx + eb.right + MIN_GAP < ax + ea.left ||
      ay + ea.bottom + MIN_GAP < by + eb.top || by + eb.bottom + MIN_GAP < ay + ea.top;
    if (apart) continue;
    outline ??= outlineOf(a.shape, ra);
    // Outline points are ≤ 0.05 px apart; the margin covers what falls between them.
    for (const [dx, dy] of outline) {
      if (distanceTo(b.shape, rb, ax + dx - bx, ay + dy - by) <= MIN_GAP + 0.05) return true;
    }
    if (distanceTo(b.shape, rb, ax - bx, ay - by) === 0) return true; // a inside b
  }
  return false;
}

/** The frames of a clip from its objects: RGB bytes (T, H, W, 3). */
export function renderObjects(objects: readonly WorldObject[], frames: number, width = FRAME_SIZE, height = FRAME_SIZE): Uint8Array {
  const size = width * height * 3;
  const out = new Uint8Array(frames * size);
  for (let t = 0; t < frames; t++) {
    const shapes: PlacedShape[] = objects.map((o) => ({ shape: o.shape, size: o.size, colour: o.colour, cx: o.centres[t][0], cy: o.centres[t][1] }));
    drawFrame(shapes, width, height, out.subarray(t * size, (t + 1) * size));
  }
  return out;
}

/** Lay out objects (no drawing): the structured description of a clip. */
export function layoutObjects(rng: Random, options: GenerateOptions = {}): WorldObject[] {
  const frames = options.frames ?? CLIP_FRAMES;
  const width = options.width ?? FRAME_SIZE, height = options.height ?? FRAME_SIZE;
  if (!Number.isInteger(frames) || frames < 1 || frames > 64) throw new WorldError(`frames must be an integer from 1 to 64, not ${frames}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16 || width > 256 || height > 256) {
    throw new WorldError(`frame size must be integers from 16 to 256, not ${width} × ${height}`);
  }
  const phrases = options.phrases ?? [];
  if (phrases.length) {
    const problems = phrasesProblems(phrases);
    if (frames === 1 && phrases.some((p) => p.motion)) problems.push('a motion is stated only for clips, and this is an image (one frame)');
    if (problems.length) throw new WorldError(problems.join('; '));
  }
  const count = phrases.length || options.objects || (rng.chance(0.5) ? 1 : 2);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const attrs = drawAttributes(rng, phrases, count, frames > 1);
    for (let k = 0; k < MAX_PLACEMENTS; k++) {
      const starts = attrs.map((a) => placeCentre(rng, a, frames, width, height));
      if (starts.some((s) => s === null)) break; // this draw of attributes cannot fit: draw again
      const objects = attrs.map((a, i) => objectPath(a, starts[i]!, frames, width, height));
      if (objects.length < 2 || !objectsTouch(objects[0], objects[1])) return objects;
    }
  }
  throw new WorldError('could not place the objects without them touching; try other attributes');
}

/** A clip of the Shapes World: frames, objects and the full caption. */
export function generateClip(seed: number | string, options: GenerateOptions = {}): Clip {
  const rng = createRandom(seed);
  const frames = options.frames ?? CLIP_FRAMES;
  const width = options.width ?? FRAME_SIZE, height = options.height ?? FRAME_SIZE;
  const objects = layoutObjects(rng, options);
  return {
    frames: renderObjects(objects, frames, width, height),
    numFrames: frames, width, height, objects,
    caption: describeCaption(objects),
  };
}
