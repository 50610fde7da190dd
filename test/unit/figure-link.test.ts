// Figure links (`#chapter-id--cell-key`, components/shell/figure-link.ts), as presenter
// mode follows them on every load and `hashchange`: the links a live cell makes
// parse as before, and a hostile fragment (it never reaches a server, so no host
// limit stops it) is answered at once. The old parse, /^#([\w-]+?)--([\w-]+)$/,
// is quadratic: `#diffusion-2d--` + 200,000 '-' + '!' froze the page 67.7 s.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_FIGURE_LINK_LENGTH, parseFigureLink } from '../../components/shell/figure-link';
import { createRandom } from '../../pipeline/random';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The regular expression presenter mode used before (safe on short input only). */
const OLD = /^#([\w-]+?)--([\w-]+)$/;
const BOUND_MS = 50;

test('the links a live cell makes name their chapter and cell; the chapter id ends at the first "--"', () => {
  const cases: [string, { chapter: string; cell: string } | null][] = [
    ['#diffusion-2d--field', { chapter: 'diffusion-2d', cell: 'field' }],
    ['#forward-noising--noise-schedule', { chapter: 'forward-noising', cell: 'noise-schedule' }],
    ['#text-to-video--sampling-cell', { chapter: 'text-to-video', cell: 'sampling-cell' }],
    ['#spacetime-patches--shape-circle', { chapter: 'spacetime-patches', cell: 'shape-circle' }],
    ['#unet-vs-dit--a_b-9', { chapter: 'unet-vs-dit', cell: 'a_b-9' }],
    ['#a--b', { chapter: 'a', cell: 'b' }],
    ['#a--b--c', { chapter: 'a', cell: 'b--c' }],
    ['#a---b', { chapter: 'a', cell: '-b' }],
    ['#a---', { chapter: 'a', cell: '-' }],
    ['#--a--b', { chapter: '--a', cell: 'b' }],
    ['#-a--b', { chapter: '-a', cell: 'b' }],
    ['', null],
    ['#', null],
    ['#diffusion-2d', null],
    ['#diffusion-2d--', null],
    ['#--a', null],
    ['#---', null],
    ['#a--b!', null],
    ['#a b--c', null],
    ['#é--x', null],
    ['#a--b\n', null],
    ['a--b', null],
    ['##a--b', null],
    ['#a--b#', null],
  ];
  for (const [hash, want] of cases) {
    assert.equal(parseFigureLink(hash), want, JSON.stringify(hash));
    const m = OLD.exec(hash);
    assert.equal(m ? { chapter: m[1], cell: m[2] } : null, want, `the old parse agrees on ${JSON.stringify(hash)}`);
  }
  // the longest real link: a chapter id (index.html's longest is 17 characters) and a cell key (a slug is at most 48)
  const longest = `#${'c'.repeat(24)}--${'k'.repeat(64)}`;
  assert.ok(longest.length <= MAX_FIGURE_LINK_LENGTH);
  assert.equal(parseFigureLink(longest), { chapter: 'c'.repeat(24), cell: 'k'.repeat(64) });
});

test('the same language as the old regular expression, on 20,000 random short fragments', () => {
  const rng = createRandom('figure-link');
  const alphabet = ['-', '-', '-', 'a', 'b', '_', '9', '#', '!', ' ', 'é', '.'];
  for (let i = 0; i < 20_000; i++) {
    const body = Array.from({ length: rng.int(14) }, () => rng.pick(alphabet)).join('');
    const hash = rng.chance(0.9) ? `#${body}` : body;
    const m = OLD.exec(hash);
    assert.equal(parseFigureLink(hash), m ? { chapter: m[1], cell: m[2] } : null, JSON.stringify(hash));
  }
});

test(`hostile fragments (up to 1,000,000 characters) are refused in under ${BOUND_MS} ms each`, () => {
  const hostile: [string, string][] = [];
  for (const n of [2_000, 20_000, 60_000, 200_000]) {
    hostile.push([`'#diffusion-2d--' + ${n} '-' + '!'`, `#diffusion-2d--${'-'.repeat(n)}!`]);
    hostile.push([`'#a' + ${n} '-' + '!'`, `#a${'-'.repeat(n)}!`]);
  }
  hostile.push(["'#' + 1e6 '-'", `#${'-'.repeat(1_000_000)}`]);
  hostile.push(["'#' + 1e6 '-' + '!'", `#${'-'.repeat(999_998)}!`]);
  hostile.push(["'#' + 'a-' x 5e5 + '!'", `#${'a-'.repeat(500_000)}!`]);
  hostile.push(["'#a--' + 1e6 'b'", `#a--${'b'.repeat(1_000_000)}`]);
  hostile.push(["1e6 'a'", 'a'.repeat(1_000_000)]);
  for (const [name, hash] of hostile) {
    const t0 = performance.now();
    const got = parseFigureLink(hash);
    const ms = performance.now() - t0;
    assert.ok(ms < BOUND_MS, `${name}: ${ms.toFixed(1)} ms (bound ${BOUND_MS} ms)`);
    assert.is(got, null, `${name} is no figure link`);
  }
});

test('presenter mode follows figure links through parseFigureLink (no regular expression of its own on the fragment)', () => {
  const source = readFileSync(path.join(root, 'components', 'shell', 'presenter-mode.ts'), 'utf8');
  assert.match(source, /import \{[^}]*\bparseFigureLink\b[^}]*\} from '\.\/figure-link'/);
  assert.match(source, /parseFigureLink\(location\.hash\)/);
  assert.not.match(source, /\.exec\(location\.hash\)/);
});

test.run();
