/**
 * How the world reads text: lower case, split on white space and punctuation
 * (world-spec "Vocabulary and tokens"). Control and format characters and
 * mathematical symbols (< > = +) also separate words; emoji and other symbols
 * stay as (unknown) words, so the reader sees them marked.
 */
const SEPARATORS = /[\s\p{P}\p{Sm}\p{Cc}\p{Cf}]+/u;

/** At most this many characters of a prompt are read; the rest is cut. */
export const MAX_PROMPT_CHARS = 2000;

export function splitWords(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return text.slice(0, MAX_PROMPT_CHARS).toLowerCase().split(SEPARATORS).filter((w) => w.length > 0);
}
