/**
 * npm run judge -- --prompt "a red circle moving right" clip.png [--frames T]
 *
 * Judges a PNG strip (frames left to right, 32·T × 32, or an exact integer
 * upscale) against a prompt with the Shapes World judge. Prints PASS or FAIL
 * with the reason, and what was read. Exit status: 0 on PASS, 1 on FAIL,
 * 2 on a usage error or a file that cannot be read as a strip.
 */
import { describeReading, judgeClip } from '../pipeline/world/judge';
import { intFlag, parseArgs } from './args';
import { readStrip } from './png';

const USAGE = 'usage: npm run judge -- --prompt "a red circle moving right" clip.png [--frames T]';

function main(argv: string[]): number {
  const args = parseArgs(argv);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = [...args.flags.keys()].filter((k) => !['prompt', 'frames'].includes(k));
  const prompt = args.flags.get('prompt');
  const usage = (msg: string) => {
    console.error(`${msg}\n${USAGE}`);
    return 2;
  };
  if (unknown.length) return usage(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => `--${k}`).join(', ')}`);
  if (prompt === undefined || prompt === 'true') return usage('--prompt "…" is required');
  if (args.positional.length !== 1) return usage(args.positional.length ? `one PNG file, not ${args.positional.length}` : 'a PNG file is required');
  let frames: number | undefined;
  try {
    frames = args.flags.has('frames') ? intFlag(args, 'frames', 1, 1, 4096) : undefined;
  } catch (e) {
    return usage((e as Error).message);
  }
  let strip;
  try {
    strip = readStrip(args.positional[0], { frames });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  const v = judgeClip(strip.frames, strip.numFrames, strip.width, strip.height, prompt);
  if (v.pass) {
    console.log(v.reason);
    return 0;
  }
  console.log(`FAIL: ${v.reason}`);
  if (v.reading.frames.length) console.log(`read: ${describeReading(v.reading)} (${strip.numFrames} frame${strip.numFrames > 1 ? 's' : ''})`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));
