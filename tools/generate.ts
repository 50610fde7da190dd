/**
 * npm run generate -- --prompt "a red circle moving right" [--frames 8|1] [--seed 0] [--steps 30]
 *   [--guidance 4] [--model dit|unet|…] [--sampler ddim|ddpm] [--eta 0] [--negative "…"]
 *   [--scale 4] [--weights DIR] [--json] --out x.png
 *
 * Runs the committed ONNX models through the same TypeScript pipeline the page
 * runs (pipeline/text-to-video, onnxruntime-web's WASM build under Node, one
 * thread): prompt → text encoder → denoiser with classifier-free guidance →
 * VAE decoder; writes a PNG strip like `npm run world` does, and prints the
 * judge's verdict on it. Unstated options take the page's defaults (the model's
 * manifest entry: steps, guidance, sampler; frames 8 for a model trained on clips,
 * 1 for an image model; seed 0). Exit status: 0 when a clip was written (PASS or
 * FAIL), 2 on a usage error or a missing model.
 */
import { ModelHost } from '../pipeline/runtime/models';
import { fileWeights, WEIGHTS_DIR } from '../pipeline/runtime/weights-node';
import { textToVideo, resolveSampleOptions } from '../pipeline/text-to-video';
import { parsePrompt } from '../pipeline/world/caption';
import { intFlag, parseArgs } from './args';
import { writeStrip } from './png';

const USAGE =
  'usage: npm run generate -- --prompt "a red circle moving right" --out x.png [--frames 8|1] [--seed N] [--steps 30] ' +
  '[--guidance S] [--model dit|unet] [--sampler ddim|ddpm] [--eta 0] [--negative "…"] [--scale 4] [--weights DIR] [--json]';
const OPTIONS = ['prompt', 'out', 'frames', 'seed', 'steps', 'guidance', 'model', 'sampler', 'eta', 'negative', 'scale', 'weights', 'json', 'help'];

function numberFlag(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max) throw new Error(`--${name} must be a number from ${min} to ${max}, not "${raw}"`);
  return v;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const fail = (msg: string) => {
    console.error(`error: ${msg}\n${USAGE}`);
    return 2;
  };
  const unknown = [...args.flags.keys()].filter((k) => !OPTIONS.includes(k));
  if (unknown.length) return fail(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `--${k}`).join(', ')}`);
  if (args.positional.length) return fail(`unexpected argument${args.positional.length > 1 ? 's' : ''}: ${args.positional.join(' ')}`);
  const prompt = args.flags.get('prompt');
  const out = args.flags.get('out');
  if (prompt === undefined || prompt === 'true') return fail('--prompt "…" is required');
  if (!out || out === 'true') return fail('--out FILE.png is required');
  const model = args.flags.get('model') ?? 'dit';
  const sampler = args.flags.get('sampler');
  if (sampler !== undefined && sampler !== 'ddim' && sampler !== 'ddpm') return fail(`--sampler must be ddim or ddpm, not "${sampler}"`);
  let options;
  let scale: number;
  try {
    options = {
      prompt,
      model,
      seed: intFlag(args, 'seed', 0, 0, 2 ** 32 - 1),
      frames: args.flags.has('frames') ? intFlag(args, 'frames', 8, 1, 64) : undefined,
      steps: args.flags.has('steps') ? intFlag(args, 'steps', 30, 1, 1000) : undefined,
      guidance: numberFlag(args.flags.get('guidance'), 'guidance', 0, 50),
      eta: numberFlag(args.flags.get('eta'), 'eta', 0, 1),
      sampler: sampler as 'ddim' | 'ddpm' | undefined,
      negativePrompt: args.flags.get('negative'),
    };
    scale = intFlag(args, 'scale', 1, 1, 64);
  } catch (e) {
    return fail((e as Error).message);
  }
  const parsed = parsePrompt(prompt);
  if (!parsed.ok) console.warn(`note: the judge cannot read this prompt (${parsed.problems.join('; ')}); the model still gets it`);

  const host = new ModelHost(fileWeights(args.flags.get('weights') ?? WEIGHTS_DIR));
  let clip;
  try {
    const manifest = await host.manifest();
    const { prompt: _p, negativePrompt: _n, ...sampling } = options;
    const resolved = resolveSampleOptions(manifest, sampling);
    if (parsed.ok && parsed.phrases.some((p) => p.motion) && resolved.frames < 2) {
      console.warn('note: the prompt states a motion, but one frame cannot show one (use --frames 8)');
    }
    clip = await textToVideo(host, { ...options, frames: resolved.frames }, { backend: 'wasm' });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  } finally {
    await host.release();
  }
  try {
    writeStrip(out, clip.frames, clip.numFrames, clip.width, clip.height, scale);
  } catch (e) {
    console.error(`error: cannot write ${out}: ${(e as Error).message}`);
    return 2;
  }
  const o = clip.sample.options;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const stepMedian = [...clip.sample.stepMs].sort((a, b) => a - b)[Math.floor(clip.sample.stepMs.length / 2)] ?? 0;
  if (args.flags.has('json')) {
    console.log(JSON.stringify({
      out, prompt, ...o, pass: clip.verdict?.pass ?? null, reason: clip.verdict?.reason ?? null,
      timings_ms: Object.fromEntries(Object.entries(clip.timings).map(([k, v]) => [k, Math.round(v)])), step_median_ms: +stepMedian.toFixed(1),
    }));
  } else {
    console.log(
      `wrote ${out} (${clip.numFrames} frame${clip.numFrames > 1 ? 's' : ''}, ${clip.numFrames * clip.width * scale} × ${clip.height * scale}): ` +
        `${o.model}, ${o.steps} ${o.sampler.toUpperCase()} steps${o.sampler === 'ddim' && o.eta > 0 ? ` (η ${o.eta})` : ''}, guidance ${o.guidance}, seed ${o.seed}; ` +
        `${s(clip.timings.total)} (a step ${stepMedian.toFixed(0)} ms)`,
    );
    console.log(clip.verdict ? (clip.verdict.pass ? clip.verdict.reason : `FAIL: ${clip.verdict.reason}`) : 'not judged');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`error: ${(e as Error).stack ?? e}`);
    process.exit(2);
  },
);
