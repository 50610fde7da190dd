#!/usr/bin/env node
// npm run eval [-- --model dit|unet|…] [--seeds 8] [--frames 1|8] [--categories "single object,colour"] [--guidance S --out guidance/dit-g2]
//
// Regenerates samples of every committed denoiser (or the one named) from fixed
// seeds (30 DDIM steps, the manifest's guidance), judges each with the world's
// judge, prints every category's score with its number of samples, its 95 %
// interval and the bar, and writes weights/eval/<model>.json and each
// sample's verdict to weights/eval/<model>.verdicts.tsv.
// Sampling runs in PyTorch (batched; the same fp16 weights as the ONNX files);
// it needs Debian's python3-torch, like `npm run train`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withTrainingPaused } from './pause-training.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PY = '/usr/bin/python3';
const DENOISERS = ['dit', 'unet', 'unet_pixel', 'dit_adaln', 'dit_cross', 'dit_in_context'];

const argv = process.argv.slice(2);
const modelAt = argv.indexOf('--model');
const wanted = modelAt >= 0 ? [argv[modelAt + 1]] : null;
const rest = modelAt >= 0 ? argv.filter((_, i) => i !== modelAt && i !== modelAt + 1) : argv;
if (wanted && !DENOISERS.includes(wanted[0])) {
  console.error(`eval: unknown model "${wanted[0]}"; one of ${DENOISERS.join(', ')}`);
  process.exit(2);
}
const probe = spawnSync(PY, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.error(`eval: PyTorch is missing for ${PY}: apt-get install -y python3-torch python3-numpy libopenblas0-pthread`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(path.join(root, 'weights', 'manifest.json'), 'utf8'));
const models = (wanted ?? DENOISERS).filter((m) => {
  const ok = manifest.models[m] && existsSync(path.join(root, 'weights', 'checkpoints', `${m}-ema-fp16.pt`));
  if (!ok) console.log(`eval: ${m} is not trained yet (no manifest entry or weights/checkpoints/${m}-ema-fp16.pt); skipped`);
  return ok;
});
if (models.length === 0) process.exit(wanted ? 2 : 0);
// A background training run is paused meanwhile: the two would slow each other 5-15x.
const status = await withTrainingPaused(root, async () => {
  for (const m of models) {
    const guidance = String(manifest.models[m].guidance_scale ?? 4);
    const args = ['weights/train/eval_denoiser.py', '--model', m, '--guidance', guidance, ...rest];
    console.log(`\n$ ${PY} ${args.join(' ')}`);
    const r = spawnSync(PY, args, { cwd: root, stdio: 'inherit', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
});
process.exit(status);
