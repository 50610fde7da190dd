/**
 * The caption grammar (world-spec "Captions") and a parser back to structure.
 *
 *   image phrase := "a" [size] [colour] shape ["in the" position]
 *   clip phrase  := "a" [size] [colour] shape ["moving" direction | "staying still"]
 *
 * One phrase an object; two phrases are joined by " and ".
 */
import type { Random } from '../random';
import { splitWords } from './text';
import {
  COLOURS, DIRECTIONS, POSITIONS, SHAPES, SIZES,
  type Colour, type Direction, type ObjectPhrase, type Position, type Shape, type Size, type WorldObject,
} from './spec';

/** Everything a caption can say of an object: position in an image, motion in a clip. */
export function phraseOf(o: WorldObject): ObjectPhrase {
  const p: ObjectPhrase = { shape: o.shape, colour: o.colour, size: o.size };
  if (o.motion === null) p.position = o.position;
  else p.motion = o.motion;
  return p;
}

export function phraseText(p: ObjectPhrase): string {
  const words = ['a'];
  if (p.size) words.push(p.size);
  if (p.colour) words.push(p.colour);
  words.push(p.shape);
  if (p.position) words.push('in the', p.position);
  if (p.motion) words.push(p.motion === 'still' ? 'staying still' : `moving ${p.motion}`);
  return words.join(' ');
}

export function captionText(phrases: readonly ObjectPhrase[]): string {
  return phrases.map(phraseText).join(' and ');
}

/** The full caption of a clip (every attribute stated). */
export function describeCaption(objects: readonly WorldObject[]): string {
  return captionText(objects.map(phraseOf));
}

/** Drop each optional part with probability `p` (about a third in training captions). */
export function dropParts(phrase: ObjectPhrase, rng: Random, p = 1 / 3): ObjectPhrase {
  const out: ObjectPhrase = { shape: phrase.shape };
  if (phrase.size && !rng.chance(p)) out.size = phrase.size;
  if (phrase.colour && !rng.chance(p)) out.colour = phrase.colour;
  if (phrase.position && !rng.chance(p)) out.position = phrase.position;
  if (phrase.motion && !rng.chance(p)) out.motion = phrase.motion;
  return out;
}

export interface ParsedPrompt {
  /** One entry an object the prompt names (best effort, even with problems). */
  phrases: ObjectPhrase[];
  /** What is wrong with the prompt, in words; empty when it is in the grammar. */
  problems: string[];
  words: string[];
  ok: boolean;
}

const includes = <T extends string>(list: readonly T[], w: string | undefined): w is T => w !== undefined && (list as readonly string[]).includes(w);

/** Parse a prompt back into phrases. Never throws; problems say what is off. */
export function parsePrompt(text: unknown): ParsedPrompt {
  const words = splitWords(text);
  const phrases: ObjectPhrase[] = [];
  const problems: string[] = [];
  let i = 0;
  const at = () => words[i];
  const quote = (w: string | undefined) => (w === undefined ? 'the end' : `"${w.length > 24 ? `${w.slice(0, 24)}…` : w}"`);

  if (words.length === 0) problems.push('the prompt is empty');
  while (i < words.length) {
    const start = i;
    if (at() === 'a') i++;
    else problems.push(`expected "a" to start a phrase, found ${quote(at())}`);
    let size: Size | undefined, colour: Colour | undefined, shape: Shape | undefined;
    if (includes(SIZES, at())) size = words[i++] as Size;
    if (includes(COLOURS, at())) colour = words[i++] as Colour;
    if (includes(SHAPES, at())) shape = words[i++] as Shape;
    else problems.push(`expected a shape (circle, square or triangle), found ${quote(at())}`);
    const phrase: ObjectPhrase = { shape: shape ?? 'circle' };
    if (size) phrase.size = size;
    if (colour) phrase.colour = colour;
    if (at() === 'in' && words[i + 1] === 'the') {
      const two = `${words[i + 2]} ${words[i + 3]}`;
      if (includes(POSITIONS, two)) {
        phrase.position = two as Position;
        i += 4;
      } else if (includes(POSITIONS, words[i + 2])) {
        phrase.position = words[i + 2] as Position;
        i += 3;
      } else {
        problems.push(`expected a position after "in the", found ${quote(words[i + 2])}`);
        i += 2;
      }
    } else if (at() === 'moving') {
      if (includes(DIRECTIONS, words[i + 1])) {
        phrase.motion = words[i + 1] as Direction;
        i += 2;
      } else {
        problems.push(`expected a direction (left, right, up, down) after "moving", found ${quote(words[i + 1])}`);
        i += 1;
      }
    } else if (at() === 'staying') {
      if (words[i + 1] === 'still') {
        phrase.motion = 'still';
        i += 2;
      } else {
        problems.push(`expected "still" after "staying", found ${quote(words[i + 1])}`);
        i += 1;
      }
    }
    if (shape) phrases.push(phrase);
    if (i < words.length && at() !== 'and') {
      problems.push(`unexpected ${quote(at())}`);
      while (i < words.length && at() !== 'and') i++;
    }
    if (at() === 'and') {
      i++;
      if (i === words.length) problems.push('expected a phrase after "and"');
    }
    if (i === start) i++; // always make progress
  }
  if (phrases.length) problems.push(...phrasesProblems(phrases));
  return { phrases, problems, words, ok: problems.length === 0 };
}

/** Problems that make a set of phrases impossible in the world (empty when fine). */
export function phrasesProblems(phrases: readonly ObjectPhrase[]): string[] {
  const problems: string[] = [];
  if (phrases.length === 0) problems.push('the prompt names no object');
  if (phrases.length > 2) problems.push(`the world holds at most 2 objects; the prompt names ${phrases.length}`);
  const colours = phrases.map((p) => p.colour).filter(Boolean);
  if (new Set(colours).size < colours.length) problems.push('two objects always have different colours');
  if (phrases.some((p) => p.position) && phrases.some((p) => p.motion)) problems.push('a position is stated only for images and a motion only for clips');
  return problems;
}
