/**
 * The judge (world-spec "The judge"): does a clip match a caption? DOM-free.
 *
 * A clip matches when it holds exactly the objects the caption names, every
 * stated attribute holds in every frame, and nothing else is there:
 *  - the frames are read into objects, tracked by colour (./read-frames.ts);
 *  - problems of the reading fail the clip whatever the prompt: clutter, a colour
 *    seen as several objects, an object missing from a frame, a shape or size
 *    that changes between frames (consistency);
 *  - the number of objects must equal the number of phrases; phrases are matched
 *    to objects trying both assignments for two, keeping the one with fewer misses;
 *  - colour, shape and size hold in every frame (they are the same in every frame,
 *    or consistency already failed); position is the grid cell of the centroid in
 *    the first frame; "moving d" is a net displacement first → last ≥ 4 px along d
 *    and less than half of that across; "staying still" keeps every centroid
 *    within 2 px of the first one.
 */
import { captionText, parsePrompt, phrasesProblems, type ParsedPrompt } from './caption';
import {
  COLOURS, JUDGE, MOTIONS, POSITIONS, SHAPES, SIZES,
  type ObjectPhrase,
} from './spec';
import { describeReading, movesAlong, readFrames, trackNoun, type Reading, type Track } from './read-frames';

export { describeReading, readFrames } from './read-frames';
export type { Reading, Track, ObjectReading, FrameReading, ClutterReading, Box, ShapeFeatures } from './read-frames';

export interface Verdict {
  pass: boolean;
  /** One sentence: "PASS: a big red circle moving right, from the top left", or every reason it fails, joined by "; ". */
  reason: string;
  /** Every reason it fails (empty on a pass). */
  reasons: string[];
  reading: Reading;
  parsed: ParsedPrompt;
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toFixed(1);
const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
const isIn = (list: readonly string[], v: unknown) => typeof v === 'string' && list.includes(v);

/** A value for a message, whatever it is (JSON.stringify throws on a BigInt or a cycle, String on an object without a prototype). */
function shown(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 80);
  } catch {
    return typeof v === 'bigint' ? `${v}` : Object.prototype.toString.call(v);
  }
}

/** Parse a prompt, or check a list of phrases, into a ParsedPrompt. Never throws. */
export function parseJudgePrompt(prompt: unknown): ParsedPrompt {
  if (typeof prompt === 'string') return parsePrompt(prompt);
  if (!Array.isArray(prompt)) return { phrases: [], problems: ['the prompt is neither text nor a list of phrases'], words: [], ok: false };
  const problems: string[] = [];
  const phrases: ObjectPhrase[] = [];
  prompt.forEach((raw: unknown, i) => {
    const p = (raw ?? {}) as Record<string, unknown>;
    const bad = (field: string, list: readonly string[]) => {
      if (p[field] !== undefined && !isIn(list, p[field])) problems.push(`phrase ${i + 1} has ${field} ${shown(p[field])}, not one of ${list.join(', ')}`);
    };
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`phrase ${i + 1} is not a phrase object`);
      return;
    }
    if (!isIn(SHAPES, p.shape)) problems.push(`phrase ${i + 1} needs a shape (circle, square or triangle)`);
    bad('colour', COLOURS);
    bad('size', SIZES);
    bad('position', POSITIONS);
    bad('motion', MOTIONS);
    const out: ObjectPhrase = { shape: isIn(SHAPES, p.shape) ? (p.shape as ObjectPhrase['shape']) : 'circle' };
    if (isIn(COLOURS, p.colour)) out.colour = p.colour as ObjectPhrase['colour'];
    if (isIn(SIZES, p.size)) out.size = p.size as ObjectPhrase['size'];
    if (isIn(POSITIONS, p.position)) out.position = p.position as ObjectPhrase['position'];
    if (isIn(MOTIONS, p.motion)) out.motion = p.motion as ObjectPhrase['motion'];
    phrases.push(out);
  });
  problems.push(...phrasesProblems(phrases));
  const text = problems.length ? '' : captionText(phrases);
  return { phrases, problems, words: text ? text.split(' ') : [], ok: problems.length === 0 };
}

/** What a phrase says, as a noun: "a big red circle". */
function phraseNoun(p: ObjectPhrase): string {
  const words = [p.size, p.colour, p.shape].filter(Boolean) as string[];
  return `${article(words[0])} ${words.join(' ')}`;
}

/** Why a track is not what a phrase says (empty when it is). */
function mismatches(p: ObjectPhrase, t: Track, numFrames: number): string[] {
  const out: string[] = [];
  const it = `the ${t.colour} ${t.shape ?? 'object'}`;
  if (p.colour && p.colour !== t.colour) out.push(`expected ${phraseNoun(p)}, found ${trackNoun(t)}`);
  if (t.shape && p.shape !== t.shape) out.push(`expected ${article(p.shape)} ${p.shape}, found ${article(t.shape)} ${t.shape}`);
  if (p.size && t.size && p.size !== t.size) out.push(`expected ${article(p.size)} ${p.size} ${t.colour} ${t.shape ?? 'object'}, found ${article(t.size)} ${t.size} one`);
  if (p.position && p.position !== t.position) out.push(`expected ${it} in the ${p.position}, found it in the ${t.position}`);
  if (p.motion) {
    const first = t.frames.find((o) => o)!.centroid;
    const last = [...t.frames].reverse().find((o) => o)!.centroid;
    if (p.motion === 'still') {
      if (t.maxDrift > JUDGE.stillTolerance) {
        out.push(`expected ${it} staying still, found it ${t.motion && t.motion !== 'still' ? `moving ${t.motion}` : 'moving'} (${fmt(t.maxDrift)} px from where it starts; at most ${JUDGE.stillTolerance} px)`);
      }
    } else if (numFrames < 2) {
      out.push(`expected ${it} moving ${p.motion}, but a one-frame image cannot show motion`);
    } else {
      const m = movesAlong(first, last, p.motion);
      if (!m.ok) {
        let found: string;
        if (t.motion && t.motion !== p.motion) found = t.motion === 'still' ? 'staying still' : `moving ${t.motion}`;
        else if (m.along < JUDGE.minTravel) found = `moving only ${fmt(Math.max(0, m.along))} px ${p.motion} (at least ${JUDGE.minTravel} px)`;
        else found = `moving ${fmt(m.along)} px ${p.motion} but ${fmt(m.across)} px across (less than half of that allowed)`;
        out.push(`expected ${it} moving ${p.motion}, found it ${found}`);
      }
    }
  }
  return out;
}

function emptyReading(numFrames: unknown, width: unknown, height: unknown, problem: string): Reading {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { numFrames: num(numFrames), width: num(width), height: num(height), frames: [], tracks: [], problems: [problem] };
}

function verdictOf(reasons: string[], reading: Reading, parsed: ParsedPrompt): Verdict {
  const pass = reasons.length === 0;
  return { pass, reason: pass ? `PASS: ${describeReading(reading)}` : reasons.join('; '), reasons, reading, parsed };
}

/** Judge a reading (from readFrames) against a prompt; lets one reading be judged against many prompts. */
export function judgeReading(reading: Reading, prompt: string | readonly ObjectPhrase[]): Verdict {
  let parsed: ParsedPrompt;
  try {
    parsed = parseJudgePrompt(prompt);
  } catch (e) {
    parsed = { phrases: [], problems: [`the prompt could not be read (${(e as Error)?.message ?? e})`], words: [], ok: false };
  }
  try {
    if (!parsed.ok) return verdictOf([`the prompt does not parse: ${parsed.problems.join('; ')}`], reading, parsed);
    const reasons = [...reading.problems];
    const phrases = parsed.phrases, tracks = reading.tracks;
    if (tracks.length !== phrases.length) {
      const found = tracks.length ? `${tracks.length}: ${describeReading(reading, { clutter: false })}` : 'none';
      reasons.push(`expected ${phrases.length} object${phrases.length > 1 ? 's' : ''}, found ${found}`);
    } else {
      const orders = phrases.length === 2 ? [[0, 1], [1, 0]] : [[0]];
      let best: string[] | null = null;
      for (const order of orders) {
        const misses = order.flatMap((ti, pi) => {
          const m = mismatches(phrases[pi], tracks[ti], reading.numFrames);
          return phrases.length > 1 && m.length ? m.map((s) => `${s} (for "${phraseNoun(phrases[pi])}")`) : m;
        });
        if (!best || misses.length < best.length) best = misses;
      }
      reasons.push(...best!);
    }
    return verdictOf(reasons, reading, parsed);
  } catch (e) {
    return verdictOf([`the judge could not judge this clip (${(e as Error)?.message ?? e})`], reading, parsed);
  }
}

/**
 * Judge a clip (RGB bytes (T, H, W, 3)) against a prompt (text, or phrases).
 * Never throws: a prompt that does not parse, or frames that do not fit the
 * sizes, give a failing verdict that says why.
 */
export function judgeClip(
  frames: Uint8Array, numFrames: number, width: number, height: number,
  prompt: string | readonly ObjectPhrase[],
): Verdict {
  let reading: Reading;
  try {
    reading = readFrames(frames, numFrames, width, height);
  } catch (e) {
    const msg = `the frames could not be read: ${(e as Error)?.message ?? String(e)}`;
    let parsed: ParsedPrompt;
    try {
      parsed = parseJudgePrompt(prompt);
    } catch {
      parsed = { phrases: [], problems: ['the prompt could not be read'], words: [], ok: false };
    }
    return verdictOf([msg], emptyReading(numFrames, width, height, msg), parsed);
  }
  return judgeReading(reading, prompt);
}
