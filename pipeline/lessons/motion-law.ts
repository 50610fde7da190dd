/**
 * Does a clip obey the Shapes World's physics? DOM-free.
 *
 * The world has one law of motion (world-spec, "motion"): an object that moves
 * keeps moving the same way, left, right, up or down, at a constant 1.5 to 2.5 px
 * a frame, and is there in every frame; one that stays still stays put. A
 * generated clip can break it in ways its caption never mentions: the object
 * vanishes for a frame (object permanence), jumps or stalls (constant speed),
 * wanders off its line. Sora's report names such failures of its own model:
 * objects that appear from nowhere, and interactions whose physics it gets wrong.
 *
 * This reads the judge's track of one object (pipeline/world/read-frames.ts:
 * its centroid in each frame) and measures the law's three parts:
 *  - permanence: the object is there in every frame;
 *  - constant velocity: the path x = x₀ + vx·f, y = y₀ + vy·f fitted to its
 *    centroids by least squares over the frames present, and the RMS distance of
 *    the centroids from where that path puts them, in px. A bend, a stall or a
 *    jump all leave the path (the world's own clips stay within 0.07 px of it);
 *  - speed: the fitted speed √(vx² + vy²) within the world's range (still: below
 *    LAW.stillStep).
 * The steps between consecutive frames are kept too, to show.
 */
import type { Track } from '../world/read-frames';

/** The world's law in numbers (world-spec: 1.5–2.5 px a frame), with the slack the judge's centroids need. */
export const LAW = {
  /** px a frame a moving object covers: the world's range, widened by 0.2 px for the centroid of an anti-aliased edge. */
  speed: [1.3, 2.7] as const,
  /** RMS px off the constant-velocity path (the world's clips: at most 0.07). */
  maxOffPath: 0.3,
  /** px a frame below which an object counts as staying put. */
  stillStep: 0.5,
};

export interface MotionLaw {
  frames: number;
  /** Frames (0-based) where the object is there. */
  present: number[];
  /** Fitted velocity, px a frame (x right, y down); null with fewer than two frames present. */
  velocity: [number, number] | null;
  /** Its length, px a frame. */
  speed: number | null;
  /** RMS distance of the centroids from the fitted constant-velocity path, px; null with fewer than two frames present. */
  offPath: number | null;
  /** The distance covered between consecutive frames present, each divided by the frames between them, px a frame. */
  steps: number[];
  /** Each of the law's parts, and the whole. */
  permanent: boolean;
  steady: boolean;
  inRange: boolean;
  obeys: boolean;
}

/** Least-squares fit of v = a + b·f; returns [a, b]. */
function fitLine(f: number[], v: number[]): [number, number] {
  const n = f.length;
  const mf = f.reduce((s, x) => s + x, 0) / n, mv = v.reduce((s, x) => s + x, 0) / n;
  let sff = 0, sfv = 0;
  for (let i = 0; i < n; i++) {
    sff += (f[i] - mf) ** 2;
    sfv += (f[i] - mf) * (v[i] - mv);
  }
  const b = sff > 0 ? sfv / sff : 0;
  return [mv - b * mf, b];
}

/** The law's three parts, measured on one object's track. `moving`: whether the caption asks it to move (null: not said). */
export function motionLaw(track: Pick<Track, 'frames'>, moving: boolean | null = null): MotionLaw {
  const frames = track.frames.length;
  const present = track.frames.flatMap((o, f) => (o ? [f] : []));
  const points = present.map((f) => track.frames[f]!.centroid);
  const permanent = present.length === frames;
  if (present.length < 2) {
    return { frames, present, velocity: null, speed: null, offPath: null, steps: [], permanent, steady: false, inRange: false, obeys: false };
  }
  const [x0, vx] = fitLine(present, points.map((p) => p[0]));
  const [y0, vy] = fitLine(present, points.map((p) => p[1]));
  const offPath = Math.sqrt(points.reduce((s, [x, y], i) => s + (x - (x0 + vx * present[i])) ** 2 + (y - (y0 + vy * present[i])) ** 2, 0) / points.length);
  const steps = present.slice(1).map((f, i) => {
    const [ax, ay] = points[i], [bx, by] = points[i + 1];
    return Math.hypot(bx - ax, by - ay) / (f - present[i]);
  });
  const speed = Math.hypot(vx, vy);
  const still = moving === false || (moving === null && speed < LAW.stillStep);
  const inRange = still ? speed < LAW.stillStep : speed >= LAW.speed[0] && speed <= LAW.speed[1];
  const steady = offPath <= LAW.maxOffPath;
  return { frames, present, velocity: [vx, vy], speed, offPath, steps, permanent, steady, inRange, obeys: permanent && steady && inRange };
}

/** Which of the law's parts a measurement breaks, in words ('' when it obeys). */
export function lawBroken(m: MotionLaw): string {
  const parts: string[] = [];
  if (!m.permanent) parts.push(`missing in ${m.frames - m.present.length} of ${m.frames} frames`);
  if (m.offPath !== null && !m.steady) parts.push(`${m.offPath.toFixed(1)} px off a constant-velocity path (steps of ${Math.min(...m.steps).toFixed(1)}–${Math.max(...m.steps).toFixed(1)} px)`);
  if (m.speed !== null && !m.inRange) parts.push(`${m.speed.toFixed(1)} px a frame, outside the world's speeds`);
  if (m.present.length < 2) parts.push('not there to measure');
  return parts.join(', ');
}

/** Unit vector of a direction in the picture (y down); null for staying still. */
function unit(motion: string | null): [number, number] | null {
  switch (motion) {
    case 'right': return [1, 0];
    case 'left': return [-1, 0];
    case 'down': return [0, 1];
    case 'up': return [0, -1];
    default: return null;
  }
}

/**
 * How far the object has gone since the first frame it is in, in each frame (px; null where it is
 * missing): along the direction asked, or straight-line distance for staying still or when none is asked.
 */
export function distanceTravelled(track: Pick<Track, 'frames'>, motion: string | null): (number | null)[] {
  const first = track.frames.find((o) => o);
  if (!first) return track.frames.map(() => null);
  const [x0, y0] = first.centroid;
  const u = unit(motion);
  return track.frames.map((o) => {
    if (!o) return null;
    const dx = o.centroid[0] - x0, dy = o.centroid[1] - y0;
    return u ? dx * u[0] + dy * u[1] : Math.hypot(dx, dy);
  });
}
