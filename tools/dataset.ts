/**
 * npm run dataset -- --count 50000 --frames 8 --seed 1 --out DIR [--objects 1|2] [--drop 0.333]
 *
 * Writes Shapes World clips in a form numpy reads alone (weights/README.md has
 * the file table and a numpy snippet). Clip i is generateClip(`${seed}/${i}`),
 * so any clip can be redrawn alone; captions drop optional parts with the
 * probability --drop (about a third, as world-spec says).
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createRandom } from '../pipeline/random';
import {
  COLOURS, MAX_OBJECTS, MOTIONS, POSITIONS, SHAPES, SIZES,
  captionText, dropParts, generateClip, phraseOf, tokenize, MAX_TOKENS,
} from '../pipeline/world';
import { intFlag, parseArgs } from './args';
import { npyHeader } from './npy';

const OBJECT_FIELDS = ['present', 'colour', 'shape', 'size', 'position', 'motion'] as const;

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const count = intFlag(args, 'count', 1000, 1, 10_000_000);
  const frames = intFlag(args, 'frames', 8, 1, 64);
  const seed = intFlag(args, 'seed', 1, 0, 2 ** 31);
  const objectsFlag = args.flags.get('objects');
  const objects = objectsFlag === undefined ? undefined : intFlag(args, 'objects', 1, 1, 2) as 1 | 2;
  const drop = Number(args.flags.get('drop') ?? 1 / 3);
  const out = args.flags.get('out');
  if (!out) throw new Error('--out DIR is required');
  if (!(drop >= 0 && drop <= 1)) throw new Error('--drop must be a probability from 0 to 1');
  mkdirSync(out, { recursive: true });

  const size = 32;
  const frameBytes = frames * size * size * 3;
  const fd = openSync(path.join(out, 'frames.npy'), 'w');
  writeSync(fd, npyHeader('|u1', [count, frames, size, size, 3]));
  const objs = new Int8Array(count * MAX_OBJECTS * OBJECT_FIELDS.length);
  const cents = new Float32Array(count * MAX_OBJECTS * frames * 2);
  const toks = new Int32Array(count * MAX_TOKENS);
  const captions: string[] = [], fullCaptions: string[] = [];
  const batch = Buffer.alloc(frameBytes * 256);
  let inBatch = 0;
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    const clip = generateClip(`${seed}/${i}`, { frames, objects });
    batch.set(clip.frames, inBatch * frameBytes);
    if (++inBatch === 256 || i === count - 1) {
      writeSync(fd, batch, 0, inBatch * frameBytes);
      inBatch = 0;
    }
    clip.objects.forEach((o, k) => {
      const base = (i * MAX_OBJECTS + k) * OBJECT_FIELDS.length;
      objs.set([1, COLOURS.indexOf(o.colour), SHAPES.indexOf(o.shape), SIZES.indexOf(o.size), POSITIONS.indexOf(o.position), o.motion === null ? -1 : MOTIONS.indexOf(o.motion)], base);
      o.centroids.forEach(([x, y], t) => cents.set([x, y], ((i * MAX_OBJECTS + k) * frames + t) * 2));
    });
    const rng = createRandom(`caption ${seed}/${i}`);
    const caption = captionText(clip.objects.map((o) => dropParts(phraseOf(o), rng, drop)));
    captions.push(caption);
    fullCaptions.push(clip.caption);
    toks.set(tokenize(caption).ids, i * MAX_TOKENS);
    if ((i + 1) % 10000 === 0) console.log(`${i + 1} / ${count} clips, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  closeSync(fd);
  const write = (name: string, dtype: Parameters<typeof npyHeader>[0], shape: number[], data: ArrayBufferView) =>
    writeFileSync(path.join(out, name), Buffer.concat([npyHeader(dtype, shape), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
  write('objects.npy', '|i1', [count, MAX_OBJECTS, OBJECT_FIELDS.length], objs);
  write('centroids.npy', '<f4', [count, MAX_OBJECTS, frames, 2], cents);
  write('tokens.npy', '<i4', [count, MAX_TOKENS], toks);
  writeFileSync(path.join(out, 'captions.txt'), captions.join('\n') + '\n');
  writeFileSync(path.join(out, 'captions_full.txt'), fullCaptions.join('\n') + '\n');
  const meta = {
    world: 'Shapes World v1', version: 1, count, frames, height: size, width: size, seed, drop,
    clip_seed: '`${seed}/${i}` for clip i', objects_per_clip: objects ?? '1 or 2 at random',
    object_fields: OBJECT_FIELDS, colours: COLOURS, shapes: SHAPES, sizes: SIZES, positions: POSITIONS, motions: MOTIONS,
    vocab: 'pipeline/world/vocab.json', max_tokens: MAX_TOKENS,
  };
  writeFileSync(path.join(out, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
  console.log(`wrote ${count} clips of ${frames} frame(s) to ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (e) {
  console.error(`dataset: ${(e as Error).message}`);
  process.exit(2);
}
