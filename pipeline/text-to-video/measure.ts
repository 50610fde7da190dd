// Measuring a clip that was just made, with the world's judge: where each
// object went (its centroid in every frame), how far and how fast, whether it
// kept its shape and size; prompts for image-to-video from what the judge read
// in a picture; pass counts with their intervals. DOM-free.
import { captionText } from '../world/caption';
import type { Reading, Track } from '../world/read-frames';
import { wilson } from '../world/score';
import type { Motion, ObjectPhrase } from '../world/spec';

/** One centroid of one object in one frame, for a chart. */
export interface TrackPoint {
  colour: string;
  /** 0-based frame. */
  frame: number;
  x: number;
  y: number;
}

/** The centroid of every object in every frame where the judge found it. */
export function trackPoints(reading: Reading): TrackPoint[] {
  const out: TrackPoint[] = [];
  for (const t of reading.tracks) {
    t.frames.forEach((o, frame) => {
      if (o) out.push({ colour: t.colour, frame, x: o.centroid[0], y: o.centroid[1] });
    });
  }
  return out;
}

/** What the judge measured of one object across a clip. */
export interface TrackSummary {
  colour: string;
  /** "a big red circle"; the shape or size is left out when it changes. */
  noun: string;
  /** Frames it was found in, of all. */
  present: number;
  frames: number;
  /** Net displacement first → last frame where present, px (y down). */
  dx: number;
  dy: number;
  /** Mean distance between the centroids of consecutive frames where present, px a frame. */
  speed: number;
  /** Largest distance from its first centroid, px. */
  maxDrift: number;
  /** The motion the judge's rules read (null: neither still nor a clean direction, or an image). */
  motion: Motion | null;
  /** Same shape and size in every frame where present, and present in every frame. */
  consistent: boolean;
}

export function summarizeTracks(reading: Reading): TrackSummary[] {
  return reading.tracks.map((t: Track) => {
    const seen = t.frames.filter((o) => o !== null);
    let path = 0;
    for (let i = 1; i < seen.length; i++) path += Math.hypot(seen[i]!.centroid[0] - seen[i - 1]!.centroid[0], seen[i]!.centroid[1] - seen[i - 1]!.centroid[1]);
    const words = [t.size, t.colour, t.shape ?? 'shape'].filter(Boolean) as string[];
    return {
      colour: t.colour,
      noun: `${/^[aeiou]/.test(words[0]) ? 'an' : 'a'} ${words.join(' ')}`,
      present: seen.length,
      frames: reading.numFrames,
      dx: t.displacement[0],
      dy: t.displacement[1],
      speed: seen.length > 1 ? path / (seen.length - 1) : 0,
      maxDrift: t.maxDrift,
      motion: t.motion,
      consistent: t.shape !== null && t.size !== null && seen.length === reading.numFrames,
    };
  });
}

/** The objects the judge read in a picture, as clip phrases (size, colour, shape; no position), in palette order. */
export function phrasesOfReading(reading: Reading): ObjectPhrase[] {
  return reading.tracks.map((t) => {
    const p: ObjectPhrase = { shape: t.shape ?? 'circle', colour: t.colour };
    if (t.size) p.size = t.size;
    return p;
  });
}

/** A clip prompt: the phrases (positions dropped) with `motion` given to every object. */
export function motionPrompt(phrases: readonly ObjectPhrase[], motion: Motion): string {
  return captionText(phrases.map(({ position: _position, ...p }) => ({ ...p, motion })));
}

/** Passes of a set of verdicts, with the Wilson 95 % interval. */
export interface PassCount {
  passed: number;
  n: number;
  rate: number;
  ci95: [number, number];
}

export function passCount(passes: readonly boolean[]): PassCount {
  const passed = passes.filter(Boolean).length;
  const n = passes.length;
  return { passed, n, rate: n ? passed / n : 0, ci95: wilson(passed, n) };
}
