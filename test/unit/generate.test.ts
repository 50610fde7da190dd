// `npm run generate` (tools/generate.ts) with the committed models: the same
// pipeline the page runs, in Node. Tests that need a model weights/manifest.json
// does not list yet are skipped, saying which model is missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelHost } from '../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny, WEIGHTS_DIR } from '../../pipeline/runtime/weights-node';
import { textToVideo } from '../../pipeline/text-to-video';
import { decodeStrip } from '../../tools/png';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'generate-'));
const manifest = readManifestIfAny();
const listed = (names: string[]) => names.filter((n) => !manifest?.models[n]);

/** test(), or a skip that prints which models the manifest lacks. */
function withModels(names: string[], name: string, fn: () => Promise<void> | void) {
  const missing = listed(names);
  if (missing.length === 0) return test(name, fn);
  console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
  test.skip(name, fn);
}

const generate = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools', 'generate.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('usage errors exit 2 with the usage line', () => {
  const r = generate('--prompt', 'a red circle');
  assert.is(r.code, 2);
  assert.match(r.err, /--out FILE.png is required/);
  assert.match(r.err, /usage: npm run generate/);
  assert.is(generate('--prompt', 'x', '--out', 'x.png', '--sampler', 'euler').code, 2);
  assert.match(generate('--prompt', 'x', '--out', 'x.png', '--frame', '8').err, /unknown option: --frame/);
});

withModels(['text_encoder'], 'weights from disk: a corrupt or missing file is a clear error naming it', async () => {
  const broken = mkdtempSync(path.join(tmpdir(), 'weights-broken-'));
  copyFileSync(path.join(WEIGHTS_DIR, 'manifest.json'), path.join(broken, 'manifest.json'));
  const bytes = readFileSync(path.join(WEIGHTS_DIR, manifest!.models.text_encoder.file));
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(path.join(broken, manifest!.models.text_encoder.file), bytes);
  const source = fileWeights(broken);
  const error = (p: Promise<unknown>): Promise<string> => p.then(() => { throw new Error("expected an error"); }, (e: Error) => e.message);
  assert.match(await error(source.bytes('text_encoder')), /^text_encoder.onnx is corrupt: its sha256 is [0-9a-f]{12}…, weights\/manifest.json says [0-9a-f]{12}…$/);
  assert.match(await error(source.bytes('vae_decoder')), /vae_decoder.onnx is listed in the manifest but missing from/);
});

withModels(['text_encoder', 'vae_decoder'], 'generate: a denoiser the manifest does not list is a clear error (exit 2)', () => {
  const r = generate('--prompt', 'a red circle', '--model', 'dit_nonexistent', '--out', path.join(dir, 'x.png'));
  assert.is(r.code, 2);
  assert.match(r.err, /error: the model "dit_nonexistent" is not in weights\/manifest.json yet \(it lists .*text_encoder/);
});

withModels(['text_encoder', 'dit', 'vae_decoder'], 'generate: an 8-frame clip with the DiT, written as a strip with the judge\'s verdict; the same seed gives the same pixels', async () => {
  const out = path.join(dir, 'clip.png');
  const r = generate('--prompt', 'a big red circle moving right', '--seed', '3', '--frames', '8', '--model', 'dit', '--out', out);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^wrote .*clip.png \(8 frames, 256 × 32\): dit, 30 DDIM steps, guidance [\d.]+, seed 3; /);
  assert.match(r.out, /\n(PASS|FAIL): /);
  const strip = decodeStrip(readFileSync(out));
  assert.is(strip.numFrames, 8);
  // In process, the same options through the same code: the same pixels.
  const host = new ModelHost(fileWeights());
  const clip = await textToVideo(host, { prompt: 'a big red circle moving right', seed: 3, frames: 8, model: 'dit' }, { backend: 'wasm' });
  await host.release();
  assert.equal(Array.from(clip.frames), Array.from(strip.frames));
  assert.is(r.out.includes('PASS: '), clip.verdict!.pass);
});

withModels(['text_encoder', 'dit', 'vae_decoder'], 'generate: one frame (an image), and JSON output', () => {
  const r = generate('--prompt', 'a blue square in the top left', '--frames', '1', '--seed', '1', '--steps', '10', '--json', '--out', path.join(dir, 'image.png'));
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out.trim().split('\n').at(-1)!);
  assert.is(j.frames, 1);
  assert.is(j.steps, 10);
  assert.type(j.pass, 'boolean');
  assert.is(decodeStrip(readFileSync(path.join(dir, 'image.png'))).numFrames, 1);
});

withModels(['text_encoder', 'unet', 'vae_decoder'], 'generate: the U-Net makes an image', () => {
  const r = generate('--prompt', 'a green triangle', '--model', 'unet', '--seed', '2', '--out', path.join(dir, 'unet.png'));
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /\(1 frame, 32 × 32\): unet, /);
});

// Chapter 6's three small image DiTs: the adaLN one reads only the pooled caption (its graph has no
// `context` input at all), the other two only the tokens; all run through the page's pipeline.
for (const model of ['dit_adaln', 'dit_cross', 'dit_in_context']) {
  withModels(['text_encoder', model, 'vae_decoder'], `${model}: images through the pipeline; the prompt changes the picture, the seed repeats it`, async () => {
    const host = new ModelHost(fileWeights());
    try {
      const make = (prompt: string, seed: number) => textToVideo(host, { prompt, seed, model, steps: 8, frames: 1 }, { backend: 'wasm' });
      const a = await make('a red circle', 1), again = await make('a red circle', 1), b = await make('a blue square', 1);
      assert.is(a.numFrames, 1);
      assert.equal(Array.from(a.frames), Array.from(again.frames));
      const differ = a.frames.reduce((n, v, i) => n + (v !== b.frames[i] ? 1 : 0), 0);
      assert.ok(differ > 100, `the prompt changed only ${differ} bytes`);
    } finally {
      await host.release();
    }
  });
}

test.run();
