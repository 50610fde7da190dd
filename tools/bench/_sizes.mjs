// A file's size as served: as it is, and gzipped at level 9 (as a static host would send it).
// Shared by the suites that count downloads (first-visit, weights-size); measured once a file.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const sizeCache = new Map();

/** { raw, gz } in bytes. */
export function gzSize(file) {
  if (!sizeCache.has(file)) sizeCache.set(file, { raw: statSync(file).size, gz: gzipSync(readFileSync(file), { level: 9 }).length });
  return sizeCache.get(file);
}
