/**
 * npm run world -- --prompt "a red circle moving right" --seed 3 --out x.png [--frames 1|8] [--scale 4]
 *
 * Renders a prompt to a PNG strip with the Shapes World generator: what the
 * prompt states is drawn, every unstated attribute is drawn by the seed. Frames
 * default to 8 when a motion is stated, 1 when a position is stated, 8 otherwise.
 * Exit status 2, with a message, for a prompt that does not parse or a usage error.
 */
import { parsePrompt } from '../pipeline/world/caption';
import { generateClip } from '../pipeline/world/generate';
import { intFlag, parseArgs } from './args';
import { writeStrip } from './png';

const USAGE = 'usage: npm run world -- --prompt "a red circle moving right" --seed 3 --out x.png [--frames 1|8] [--scale 4]';

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const fail = (msg: string) => {
    console.error(`error: ${msg}\n${USAGE}`);
    return 2;
  };
  const unknown = [...args.flags.keys()].filter((k) => !['prompt', 'seed', 'out', 'frames', 'scale'].includes(k));
  if (unknown.length) return fail(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `--${k}`).join(', ')}`);
  if (args.positional.length) return fail(`unexpected argument${args.positional.length > 1 ? 's' : ''}: ${args.positional.join(' ')}`);
  const prompt = args.flags.get('prompt');
  const out = args.flags.get('out');
  if (prompt === undefined || prompt === 'true') return fail('--prompt "…" is required');
  if (!out || out === 'true') return fail('--out FILE.png is required');
  const parsed = parsePrompt(prompt);
  if (!parsed.ok) return fail(`the prompt does not parse: ${parsed.problems.join('; ')}`);
  const hasMotion = parsed.phrases.some((p) => p.motion);
  const hasPosition = parsed.phrases.some((p) => p.position);
  let seed: number, frames: number, scale: number;
  try {
    seed = intFlag(args, 'seed', 0, 0, 2 ** 32 - 1);
    frames = intFlag(args, 'frames', hasMotion ? 8 : hasPosition ? 1 : 8, 1, 64);
    scale = intFlag(args, 'scale', 1, 1, 64);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (hasMotion && frames < 2) return fail('a motion needs a clip: use --frames 8 (or leave --frames out)');
  let clip;
  try {
    clip = generateClip(seed, { frames, phrases: parsed.phrases });
  } catch (e) {
    return fail((e as Error).message);
  }
  try {
    writeStrip(out, clip.frames, clip.numFrames, clip.width, clip.height, scale);
  } catch (e) {
    console.error(`error: cannot write ${out}: ${(e as Error).message}`);
    return 2;
  }
  console.log(`wrote ${out} (${frames} frame${frames > 1 ? 's' : ''}, ${frames * clip.width * scale} × ${clip.height * scale}): ${clip.caption}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
