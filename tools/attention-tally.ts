/**
 * npm run eval:attention -- [--prompt "a red circle"] [--word red] [--colour red] [--seeds 16] [--model dit] [--out FILE]
 *
 * How often a word's cross-attention map peaks inside its object: the figure the DiT's
 * card and chapter 6 quote. For seeds 0 … N−1 it runs the page's pipeline (the model's
 * inspect twin, one guided call a step; onnxruntime-web's WASM build under Node) on a
 * one-frame image, and counts the seeds whose map, averaged over heads and layers, peaks
 * inside the judge's object of that colour (its mask grown by 1 px), for three spans of
 * the 30 steps: the layout steps chapter 6 shows (the first two thirds), the last third
 * alone, and all of them. --out writes the counts as JSON (weights/eval/attention/dit.json is
 * what chapter 6's prose reads, chapters/chapter-6/measured.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelHost } from '../pipeline/runtime/models';
import { fileWeights, WEIGHTS_DIR } from '../pipeline/runtime/weights-node';
import { combineMaps, keysOfWord, layoutSteps, peakInsideObject, textToVideoWithAttention, tokenMap } from '../pipeline/lessons/cross-attention';
import { intFlag, parseArgs } from './args';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const prompt = args.flags.get('prompt') ?? 'a red circle';
  const word = args.flags.get('word') ?? 'red';
  const colour = args.flags.get('colour') ?? word;
  const model = args.flags.get('model') ?? 'dit';
  const seeds = intFlag(args, 'seeds', 16, 1, 1000);
  const host = new ModelHost(fileWeights(args.flags.get('weights') ?? WEIGHTS_DIR));
  const spans: Record<string, number[]> = {};
  const inside: Record<string, number[]> = {};
  try {
    for (let seed = 0; seed < seeds; seed++) {
      const clip = await textToVideoWithAttention(host, { prompt, seed, model, frames: 1 }, { backend: 'wasm' });
      const key = keysOfWord(clip.text, word)[0];
      if (key === undefined) throw new Error(`"${word}" is not a word of "${prompt}"`);
      const n = clip.attention.perStep.length;
      const layout = layoutSteps(n);
      spans[`steps 1-${layout.length}`] = layout;
      spans[`steps ${layout.length + 1}-${n}`] = Array.from({ length: n - layout.length }, (_, i) => layout.length + i);
      spans[`all ${n}`] = Array.from({ length: n }, (_, i) => i);
      for (const [name, steps] of Object.entries(spans)) {
        const map = tokenMap(combineMaps(clip.attention, { steps }), key, clip.attention.grid);
        if (peakInsideObject(map, clip.attention.grid, clip.verdict, colour, 0).inside) (inside[name] ??= []).push(seed);
        else inside[name] ??= [];
      }
    }
  } finally {
    await host.release();
  }
  console.log(`"${word}" in "${prompt}" (${model}, seeds 0-${seeds - 1}): the map's peak inside the ${colour} object`);
  for (const name of Object.keys(spans)) console.log(`  ${name}: ${inside[name].length} of ${seeds}`);
  const out = args.flags.get('out');
  if (out) {
    const counts = Object.fromEntries(Object.keys(spans).map((name) => [name, { steps: spans[name].map((i) => i + 1), inside: inside[name].length, seedsInside: inside[name] }]));
    // the model's file hash, so a test can tell when a newly shipped model needs a new tally
    const manifest = JSON.parse(readFileSync(path.join(args.flags.get('weights') ?? WEIGHTS_DIR, 'manifest.json'), 'utf8'));
    const sha256 = manifest.models[model]?.sha256 ?? null;
    writeFileSync(out, JSON.stringify({ prompt, word, colour, model, sha256, frames: 1, seeds, spans: counts }, null, 2) + '\n');
    console.log(`wrote ${out}`);
  }
}

main().catch((e) => {
  console.error(`attention-tally: ${(e as Error).message}`);
  process.exit(2);
});
