/**
 * The tokenizer over the committed vocabulary (pipeline/world/vocab.json, which
 * the Python training reads too; no id is written anywhere else).
 *
 * A prompt becomes <start> words… <end>, padded with <pad> to 24 ids. The empty
 * prompt (classifier-free guidance's unconditional input) is <start> <empty> <end>.
 * A word outside the vocabulary becomes <unk> and stays visible as unknown.
 * A prompt longer than 22 words is cut, and the result says so.
 */
import vocab from './vocab.json';
import { splitWords, MAX_PROMPT_CHARS } from './text';

export const VOCAB: readonly string[] = vocab.tokens;
export const MAX_TOKENS: number = vocab.max_length;
const idOf = new Map(VOCAB.map((t, i) => [t, i]));
const special = (name: keyof typeof vocab.specials): number => idOf.get(vocab.specials[name])!;
export const PAD_ID = special('pad');
export const START_ID = special('start');
export const END_ID = special('end');
export const EMPTY_ID = special('empty');
export const UNKNOWN_ID = special('unknown');

export interface TokenPiece {
  /** The text shown for this token: the word itself, or a special token's name. */
  text: string;
  id: number;
  kind: 'special' | 'word' | 'unknown';
}

export interface Tokenized {
  /** Exactly MAX_TOKENS ids, padded. */
  ids: Int32Array;
  /** The tokens actually used (no padding), for display. */
  pieces: TokenPiece[];
  /** Number of ids before padding (start and end included). */
  length: number;
  /** Words outside the vocabulary, in order. */
  unknown: string[];
  /** Whether words were cut to fit MAX_TOKENS. */
  truncated: boolean;
  /** A sentence for the reader when something was cut or unknown; empty otherwise. */
  notice: string;
}

export function tokenize(text: unknown): Tokenized {
  const raw = typeof text === 'string' ? text : '';
  const words = splitWords(raw);
  const room = MAX_TOKENS - 2;
  const truncated = words.length > room || raw.length > MAX_PROMPT_CHARS;
  const kept = words.slice(0, room);
  const pieces: TokenPiece[] = [{ text: '<start>', id: START_ID, kind: 'special' }];
  if (kept.length === 0) pieces.push({ text: '<empty>', id: EMPTY_ID, kind: 'special' });
  const unknown: string[] = [];
  for (const w of kept) {
    const id = idOf.get(w);
    // Special tokens typed as text ("<pad>") are words like any other: unknown.
    if (id === undefined || w.startsWith('<')) {
      unknown.push(w);
      pieces.push({ text: w, id: UNKNOWN_ID, kind: 'unknown' });
    } else pieces.push({ text: w, id, kind: 'word' });
  }
  pieces.push({ text: '<end>', id: END_ID, kind: 'special' });
  const ids = new Int32Array(MAX_TOKENS).fill(PAD_ID);
  pieces.forEach((p, i) => (ids[i] = p.id));
  const notes: string[] = [];
  if (truncated) notes.push(`The prompt was cut to its first ${room} words (a prompt holds at most ${MAX_TOKENS} tokens with start and end).`);
  if (unknown.length) notes.push(`Not in the vocabulary, read as unknown: ${unknown.slice(0, 8).join(', ')}${unknown.length > 8 ? '…' : ''}.`);
  return { ids, pieces, length: pieces.length, unknown, truncated, notice: notes.join(' ') };
}

/** The unconditional prompt of classifier-free guidance. */
export function emptyPromptIds(): Int32Array {
  return tokenize('').ids;
}
