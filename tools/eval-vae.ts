/**
 * npm run eval:vae -- [--data weights/.work/data/heldout8] [--count 500]
 *
 * The VAE's round trip, judged: each held-out clip goes through the shipped
 * encoder and decoder (ONNX, onnxruntime-web WASM in Node, the page's own
 * code path) and the world's judge checks the result against the clip's full
 * caption. Also prints the PSNR. The bar before any denoiser trains: ≥ 98 %.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSession, ort } from '../pipeline/runtime/ort';
import { judgeClip } from '../pipeline/world/judge';
import { intFlag, parseArgs } from './args';
import { readNpy } from './npy';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = args.flags.get('data') ?? 'weights/.work/data/heldout8';
  const weights = args.flags.get('weights') ?? 'weights';
  const arr = readNpy(readFileSync(path.join(dir, 'frames.npy')));
  const [total, t, h, w] = arr.shape;
  const count = Math.min(total, intFlag(args, 'count', 500, 1, 1_000_000));
  const captions = readFileSync(path.join(dir, 'captions_full.txt'), 'utf8').split('\n');
  const enc = (await createSession(new Uint8Array(readFileSync(path.join(weights, 'vae_encoder.onnx'))), { backend: 'wasm' })).session;
  const dec = (await createSession(new Uint8Array(readFileSync(path.join(weights, 'vae_decoder.onnx'))), { backend: 'wasm' })).session;
  const px = h * w;
  let passed = 0, sq = 0, nvals = 0;
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = arr.data.subarray(i * t * px * 3, (i + 1) * t * px * 3);
    const x = new Float32Array(t * 3 * px);
    for (let f = 0; f < t; f++) for (let p = 0; p < px; p++) for (let c = 0; c < 3; c++) x[(f * 3 + c) * px + p] = bytes[(f * px + p) * 3 + c] / 127.5 - 1;
    const { latent } = await enc.run({ frames: new ort.Tensor('float32', x, [t, 3, h, w]) });
    const { frames } = await dec.run({ latent });
    const y = frames.data as Float32Array;
    const out = new Uint8Array(t * px * 3);
    for (let f = 0; f < t; f++) for (let p = 0; p < px; p++) for (let c = 0; c < 3; c++) {
      const v = Math.max(-1, Math.min(1, y[(f * 3 + c) * px + p]));
      sq += (v - x[(f * 3 + c) * px + p]) ** 2;
      nvals++;
      out[(f * px + p) * 3 + c] = Math.round((v + 1) * 127.5);
    }
    const verdict = judgeClip(out, t, w, h, captions[i]);
    if (verdict.pass) passed++;
    else if (failures.length < 10) failures.push(`${captions[i]} — ${verdict.reason}`);
  }
  const psnr = 10 * Math.log10(4 / (sq / nvals));
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(JSON.stringify({ data: dir, clips: count, frames: t, judge_pass_rate: passed / count, passed, psnr_db: +psnr.toFixed(2) }));
}

main().catch((e) => {
  console.error(`eval-vae: ${(e as Error).message}`);
  process.exit(2);
});
