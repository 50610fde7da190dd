/** The world and judge command-line tools, spawned as `npm run world` / `npm run judge` would run them. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeStrip } from '../../../tools/png';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'world-cli-'));
const run = (tool: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'tools', `${tool}.ts`), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('world renders a prompt to a PNG strip; judge passes it (exit 0) and fails a wrong prompt (exit 1)', () => {
  const clip = path.join(dir, 'clip.png');
  const w = run('world', '--prompt', 'a big red circle moving right', '--seed', '3', '--out', clip, '--scale', '4');
  assert.is(w.code, 0, w.err);
  assert.match(w.out, /8 frames, 1024 × 128\): a big red circle moving right/);
  const strip = decodeStrip(readFileSync(clip));
  assert.is(strip.numFrames, 8);
  assert.is(strip.scale, 4);
  const pass = run('judge', '--prompt', 'a big red circle moving right', clip);
  assert.is(pass.code, 0, pass.out + pass.err);
  assert.match(pass.out, /^PASS: a big red circle moving right/);
  const fail = run('judge', '--prompt', 'a red square', clip);
  assert.is(fail.code, 1);
  assert.match(fail.out, /^FAIL: expected a square, found a circle/);
});

test('world: frames default to 1 with a position, 8 otherwise; --frames is honoured', () => {
  const image = path.join(dir, 'image.png');
  assert.is(run('world', '--prompt', 'a blue square in the top left', '--seed', '1', '--out', image).code, 0);
  assert.is(decodeStrip(readFileSync(image)).numFrames, 1);
  assert.is(run('judge', '--prompt', 'a blue square in the top left', image, '--frames', '1').code, 0);
  const plain = path.join(dir, 'plain.png');
  assert.is(run('world', '--prompt', 'a triangle', '--out', plain).code, 0);
  assert.is(decodeStrip(readFileSync(plain)).numFrames, 8);
  assert.is(run('world', '--prompt', 'a triangle', '--out', plain, '--frames', '1').code, 0);
  assert.is(decodeStrip(readFileSync(plain)).numFrames, 1);
  assert.is(run('judge', '--prompt', 'a triangle', plain).code, 0);
});

test('usage errors and unreadable files exit 2 with a clear message', () => {
  const bad = run('world', '--prompt', 'a red hexagon', '--out', path.join(dir, 'x.png'));
  assert.is(bad.code, 2);
  assert.match(bad.err, /the prompt does not parse: expected a shape/);
  assert.is(run('world', '--prompt', 'a circle moving up', '--frames', '1', '--out', path.join(dir, 'x.png')).code, 2);
  assert.is(run('world', '--prompt', 'a circle').code, 2);
  const text = path.join(dir, 'not.png');
  writeFileSync(text, 'this is not a png');
  const notPng = run('judge', '--prompt', 'a circle', text);
  assert.is(notPng.code, 2);
  assert.match(notPng.err, /not a PNG file/);
  const missing = run('judge', '--prompt', 'a circle', path.join(dir, 'missing.png'));
  assert.is(missing.code, 2);
  assert.match(missing.err, /no such file/);
  const noPrompt = run('judge', path.join(dir, 'clip.png'));
  assert.is(noPrompt.code, 2);
  assert.match(noPrompt.err, /--prompt/);
  // A prompt that does not parse is a FAIL of the clip, not a usage error.
  const unparsed = run('judge', '--prompt', 'a florp', path.join(dir, 'image.png'));
  assert.is(unparsed.code, 1);
  assert.match(unparsed.out, /FAIL: the prompt does not parse/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
