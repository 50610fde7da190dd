// Every chapter's URL schema, as its chapter exports it, with the prefix the
// chapter reads it under: found in the source (`new UrlStateController(this,
// schema, 'c4')`) of every file under chapters/, so a new chapter is fuzzed
// and attacked without being listed here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Schema } from '../../pipeline/url-state';

const CHAPTERS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'chapters');

export interface ChapterSchema {
  /** The file that reads it, relative to chapters/, and the name it is exported under. */
  name: string;
  schema: Schema;
  prefix: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}

export async function chapterSchemas(): Promise<ChapterSchema[]> {
  const out: ChapterSchema[] = [];
  for (const file of sources(CHAPTERS)) {
    const prefixes = new Map([...readFileSync(file, 'utf8').matchAll(/new UrlStateController\(\s*this,\s*(\w+),\s*'([\w-]+)'/g)].map((m) => [m[1], m[2]]));
    if (!prefixes.size) continue;
    const mod = (await import(file)) as Record<string, unknown>;
    for (const [exported, prefix] of prefixes) {
      const schema = mod[exported] as Schema | undefined;
      if (!schema) throw new Error(`${path.relative(CHAPTERS, file)} uses ${exported} for its URL state but does not export it`);
      out.push({ name: `${path.relative(CHAPTERS, file)}: ${exported}`, schema, prefix });
    }
  }
  return out;
}
