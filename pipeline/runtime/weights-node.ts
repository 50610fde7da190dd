// Weights from a folder on disk (Node only: tools/generate.ts and the tests),
// with the same checks as the page: size and sha256 against the manifest.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelEntry, parseManifest, WeightsError, type Manifest } from './manifest';
import { checkWeights, type WeightSource } from './weights';

/** The repository's weights/ folder (or $SORA_WEIGHTS_DIR, to try candidate models without touching weights/). */
export const WEIGHTS_DIR = process.env.SORA_WEIGHTS_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'weights');

export function fileWeights(dir: string = WEIGHTS_DIR): WeightSource {
  let manifest: Manifest | null = null;
  const load = (): Manifest => {
    if (manifest) return manifest;
    const file = path.join(dir, 'manifest.json');
    if (!existsSync(file)) throw new WeightsError(`${file} does not exist: no model has been exported yet`, null, 'missing');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new WeightsError(`${file} is not valid JSON: ${(e as Error).message}`, null, 'manifest');
    }
    manifest = parseManifest(json);
    return manifest;
  };
  return {
    location: dir,
    manifest: async () => load(),
    isCached: async () => true,
    async bytes(model, opts = {}) {
      const entry = modelEntry(load(), model);
      const file = path.join(dir, entry.file);
      if (!existsSync(file)) throw new WeightsError(`${entry.file} is listed in the manifest but missing from ${dir}`, model, 'missing');
      const bytes = new Uint8Array(readFileSync(file));
      await checkWeights(model, entry, bytes);
      opts.onProgress?.({ model, file: entry.file, loaded: bytes.length, total: entry.bytes, fromCache: true, done: true });
      return bytes;
    },
  };
}

/** The committed manifest, or null when there is none yet. */
export function readManifestIfAny(dir: string = WEIGHTS_DIR): Manifest | null {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) return null;
  return parseManifest(JSON.parse(readFileSync(file, 'utf8')));
}
