#!/usr/bin/env node
// npm run train [-- STAGE ...] [--tiny]
//
// Reproduces every model in weights/ from an empty folder, stage by stage; each
// stage also runs alone (`npm run train -- vae`) and resumes from its last
// checkpoint in weights/.work/ckpt. `--tiny` (npm run test:train) runs a few
// steps of every stage and its export on a tiny data set, to prove the code
// path; it writes under weights/.work/tiny and never touches the shipped files.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PY = '/usr/bin/python3';
const argv = process.argv.slice(2);
const tiny = argv.includes('--tiny');
const extra = argv.filter((a) => a.startsWith('--') && a !== '--tiny');

// name, script, arguments (or several runs' arguments: phases, each resuming the last; a
// denoiser's --minutes is its total training time so far), minutes of this machine (2 cores).
// The denoisers' phases are the recipes the committed weights were trained with (model cards).
const STAGES = [
  ['data', null, [], 4],
  ['vae', 'vae.py', ['--minutes', '15'], 15],
  ['clip', 'text_encoder.py', ['--minutes', '15'], 15],
  // the context blocks over the CLIP's text tower: tokens that carry their phrase (the text encoder's `phrases` output)
  ['context', 'text_context.py', ['--minutes', '4', '--keep', '1.0'], 4],
  ['latents', 'latents.py', [], 2],
  ['dit', 'train_denoiser.py', [
    // recipe 1: joint batches alternating (96 images / 16 clips), lr 1e-3; snapshots after the steps at which the
    // committed run's clock read 1/16 and 1/4 of its 423 minutes (weights/logs/dit.jsonl)
    ['--model', 'dit', '--minutes', '150', '--snapshot-steps', 'snap16=1870,snap4=7790'],
    // recipe 2: 3 of 4 batches clips (24 a batch), cosine decay over the last 23 min
    ['--model', 'dit', '--minutes', '178', '--clip-share', '0.75', '--clip-batch', '24', '--decay-minutes', '23'],
    // recipe 3: 4 of 5 batches clips, lr 5e-4, cosine decay over the last 15 min
    ['--model', 'dit', '--minutes', '243', '--clip-share', '0.8', '--clip-batch', '24', '--lr', '5e-4', '--decay-minutes', '15'],
    // recipe 4: images and clips alternating (96 / 24), styled captions, lr 3e-4, cosine decay over the last 20 min
    ['--model', 'dit', '--minutes', '313', '--clip-share', '0.5', '--clip-batch', '24', '--image-batch', '96', '--lr', '3e-4', '--decay-minutes', '20', '--captions', 'styled'],
    // recipe 5: 50 more minutes as recipe 4, reading the text encoder's phrases output (the context blocks), cosine over the last 15 min
    ['--model', 'dit', '--minutes', '363', '--clip-share', '0.5', '--clip-batch', '24', '--image-batch', '96', '--lr', '3e-4', '--decay-minutes', '15', '--captions', 'styled', '--text', 'phrases'],
    // recipe 6: 60 more minutes as recipe 5
    ['--model', 'dit', '--minutes', '423', '--clip-share', '0.5', '--clip-batch', '24', '--image-batch', '96', '--lr', '3e-4', '--decay-minutes', '15', '--captions', 'styled', '--text', 'phrases'],
  ], 423],
  // the one-shot GPU run of the DiT (issue 19, item 6) runs on a GPU machine (weights/train/gpu_oneshot.sh); here, only its tiny mode
  ['gpu_oneshot', null, [], 0],
  ['unet', 'train_denoiser.py', [
    // recipe 1: batches of 96 images, lr 1e-3, cosine decay over the last 8 min
    ['--model', 'unet', '--minutes', '30', '--decay-minutes', '8'],
    // recipe 2: 60 more minutes, lr 5e-4, cosine decay over the last 15 min
    ['--model', 'unet', '--minutes', '90', '--lr', '5e-4', '--decay-minutes', '15'],
    // recipe 3: 25 more minutes, styled captions, lr 3e-4, cosine decay over the last 10 min
    ['--model', 'unet', '--minutes', '115', '--lr', '3e-4', '--decay-minutes', '10', '--captions', 'styled'],
    // recipe 4: 40 more minutes, as recipe 3, reading the text encoder's phrases output (the context blocks)
    ['--model', 'unet', '--minutes', '155', '--lr', '3e-4', '--decay-minutes', '10', '--captions', 'styled', '--text', 'phrases'],
    // recipe 5: 45 more minutes, as recipe 4
    ['--model', 'unet', '--minutes', '200', '--lr', '3e-4', '--decay-minutes', '10', '--captions', 'styled', '--text', 'phrases'],
    // recipe 6: 45 more minutes, as recipe 4
    ['--model', 'unet', '--minutes', '245', '--lr', '3e-4', '--decay-minutes', '10', '--captions', 'styled', '--text', 'phrases'],
  ], 245],
  ['unet_pixel', 'train_denoiser.py', ['--model', 'unet_pixel', '--minutes', '6'], 6],
  ['dit_adaln', 'train_denoiser.py', ['--model', 'dit_adaln', '--minutes', '15', '--decay-minutes', '4'], 15],
  ['dit_cross', 'train_denoiser.py', ['--model', 'dit_cross', '--minutes', '15', '--decay-minutes', '4'], 15],
  ['dit_in_context', 'train_denoiser.py', ['--model', 'dit_in_context', '--minutes', '15', '--decay-minutes', '4'], 15],
];
const TIMED = ['--minutes', '--snapshot-steps', '--decay-minutes'];
const DATASETS = [
  ['clips8', 50000, 8, 1],
  ['images', 60000, 1, 2],
  ['heldout8', 2000, 8, 9001],
  ['heldout1', 2000, 1, 9002],
];

function fail(msg) {
  console.error(`train: ${msg}`);
  process.exit(2);
}

function checkPrerequisites() {
  const install = 'apt-get install -y python3-torch python3-onnx python3-numpy libopenblas0-pthread';
  if (!existsSync(PY)) fail(`${PY} not found. Install Debian's Python and PyTorch: ${install}`);
  const probe = spawnSync(PY, ['-c', 'import torch, onnx, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) fail(`PyTorch, onnx or numpy is missing for ${PY}: ${install}\n${probe.stderr}`);
  const blas = spawnSync('dpkg', ['-s', 'libopenblas0-pthread'], { encoding: 'utf8' });
  if (blas.status !== 0) fail(`libopenblas0-pthread is missing: without it torch's matrix products run about 15x slower. ${install}`);
}

function run(cmd, args, env = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', ...env } });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

checkPrerequisites();
const dataDir = path.join(root, 'weights', '.work', tiny ? 'tiny-data' : 'data');
const env = { SHAPES_DATA_DIR: dataDir };
const wanted = argv.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !STAGES.some(([n]) => n === w));
if (unknown.length) fail(`unknown stage ${unknown.join(', ')}; stages: ${STAGES.map(([n]) => n).join(', ')}`);
const stages = STAGES.filter(([n]) => wanted.length === 0 || wanted.includes(n));
if (!tiny) console.log(`stages: ${stages.map(([n, , , m]) => `${n} (~${m} min)`).join(', ')}`);

for (const [name, script, args] of stages) {
  if (name === 'data') {
    for (const [set, count, frames, seed] of DATASETS) {
      if (existsSync(path.join(dataDir, set, 'meta.json')) && !tiny) continue;
      run('npx', ['tsx', 'tools/dataset.ts', '--count', String(tiny ? 64 : count), '--frames', String(frames), '--seed', String(seed), '--out', path.join(dataDir, set)]);
    }
    continue;
  }
  if (name === 'gpu_oneshot') {
    if (tiny) run('bash', ['weights/train/gpu_oneshot.sh', 'tiny'], env);
    else console.log('\ngpu_oneshot: runs on a GPU machine through the device tool (weights/cards/dit.md, "A one-shot GPU run"); skipped here');
    continue;
  }
  const phases = Array.isArray(args[0]) ? args : [args];
  // the tiny mode runs the first phase and the last (when it differs: a later recipe may add flags) for a few steps, without budgets
  for (const phaseArgs of tiny ? [...new Set([phases[0], phases.at(-1)])] : phases) {
    const stageArgs = tiny ? phaseArgs.filter((a, i) => !TIMED.includes(a) && !TIMED.includes(phaseArgs[i - 1])) : phaseArgs;
    run(PY, [path.join('weights', 'train', script), ...stageArgs, ...(tiny ? ['--tiny', '--fresh'] : []), ...extra], env);
  }
}
console.log(tiny ? '\ntest:train: every stage ran and exported' : '\ntrain: done');
