// The weights' size (issue 4): every file weights/manifest.json names, each counted once (a model
// and its inspect twin share one file), as files and gzipped at level 9 (as a static host would
// serve them); and the first screen's set (text encoder, DiT, VAE decoder) as files. Reads the
// committed files; needs no browser.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzSize } from './_sizes.mjs';

export const title = 'Weights: the size of every model file';

const MB = 1000 * 1000;
const FIRST_SCREEN = ['text_encoder', 'dit', 'vae_decoder'];

/** The files the manifest names, once each: { file, models, raw, gz }. */
function files(root) {
  const dir = path.join(root, 'weights');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const byFile = new Map();
  for (const [model, e] of Object.entries(manifest.models)) {
    const f = byFile.get(e.file) ?? { file: e.file, models: [] };
    f.models.push(model);
    byFile.set(e.file, f);
  }
  return [...byFile.values()].map((f) => ({ ...f, ...gzSize(path.join(dir, f.file)) }));
}

const sum = (fs, k) => fs.reduce((a, f) => a + f[k], 0);
const largest = (fs) => [...fs].sort((a, b) => b.raw - a.raw).slice(0, 4).map((f) => `${f.file} ${(f.raw / MB).toFixed(2)}`).join(', ');

export async function run(ctx) {
  const all = files(ctx.root);
  const first = all.filter((f) => f.models.some((m) => FIRST_SCREEN.includes(m)));
  const shared = all.filter((f) => f.models.length > 1).map((f) => `${f.file} (${f.models.join(', ')})`);
  return [
    {
      name: 'every model file, as files',
      value: sum(all, 'raw') / MB,
      unit: 'MB',
      budget: 40,
      detail: `${all.length} files for ${all.reduce((n, f) => n + f.models.length, 0)} manifest entries; shared: ${shared.join(', ') || 'none'}; largest ${largest(all)} MB`,
    },
    { name: 'every model file, gzipped (level 9)', value: sum(all, 'gz') / MB, unit: 'MB', budget: null, detail: 'what a host that compresses them sends' },
    { name: 'the first screen\'s models (text encoder, DiT, VAE decoder), as files', value: sum(first, 'raw') / MB, unit: 'MB', budget: 8, detail: first.map((f) => f.file).join(', ') },
  ];
}
