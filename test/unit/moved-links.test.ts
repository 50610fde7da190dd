// Links made before a chapter was split (chapters/registry.ts, MOVED): the moved
// figures' parameters and fragments are rewritten to the chapter that now holds
// them (components/shell/location.ts, movedAddress), and the list is the truth:
// every moved parameter is the new chapter's and no longer the old one's, and
// every moved cell is one of the new chapter's figures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { movedAddress } from '../../components/shell/location';
import { CHAPTERS, MOVED } from '../../chapters/registry';
import { chapterSchemas } from '../helpers/chapter-schemas';

test('an old link: the moved parameters go under the new prefix, the rest stay; a moved figure\'s fragment names the new chapter', () => {
  const got = movedAddress('?backend=wasm&c6.prompt=a%20red%20circle&c6.gscale=7.5&c6.gneg=yellow&c6.sseed=2&c5.seed=1', '#conditioning--strip', MOVED);
  assert.ok(got);
  const params = new URLSearchParams(got.search);
  assert.equal(Object.fromEntries(params), { 'backend': 'wasm', 'c6.prompt': 'a red circle', 'c5.seed': '1', 'cg.gscale': '7.5', 'cg.gneg': 'yellow', 'cg.sseed': '2' });
  assert.is(got.hash, '#guidance--strip');
  assert.equal(movedAddress('', '#conditioning--expandTally', MOVED), { search: '', hash: '#guidance--expandTally' });
  assert.equal(movedAddress('?c6.eprompt=red%20ball', '', MOVED), { search: '?cg.eprompt=red+ball', hash: '' });
  // a value given twice moves twice (the chapter then says so and uses the first)
  assert.equal(new URLSearchParams(movedAddress('?c6.gseed=1&c6.gseed=2', '', MOVED)!.search).getAll('cg.gseed'), ['1', '2']);
});

test('nothing to move: null (the address is left alone); chapter 6\'s own figures and parameters stay; a new name wins over the old', () => {
  assert.is(movedAddress('?c6.prompt=x&c6.seed=3', '#conditioning--attention', MOVED), null);
  assert.is(movedAddress('', '#conditioning', MOVED), null);
  assert.is(movedAddress('?cg.gscale=2', '#guidance--strip', MOVED), null);
  assert.is(movedAddress('', '#conditioning--strip-x', MOVED), null);
  // both given: the new one is read, the old one stays where chapter 6 names it as unknown
  assert.is(movedAddress('?c6.gscale=9&cg.gscale=2', '', MOVED), null);
  // only the search changes: the fragment is kept as it was
  assert.equal(movedAddress('?c6.gscale=9', '#conditioning--attention', MOVED), { search: '?cg.gscale=9', hash: '#conditioning--attention' });
  // a hostile fragment is no figure link: kept as it is
  const long = `#conditioning--${'-'.repeat(300)}strip`;
  assert.equal(movedAddress('?c6.gscale=9', long, MOVED), { search: '?cg.gscale=9', hash: long });
});

test('the list is the truth: each moved parameter is the new chapter\'s, not the old one\'s; each moved cell is a <live-cell> of the new chapter', async () => {
  const schemas = await chapterSchemas();
  for (const m of MOVED) {
    const from = schemas.find((s) => s.prefix === m.from.prefix), to = schemas.find((s) => s.prefix === m.to.prefix);
    assert.ok(from && to, `${m.from.prefix} and ${m.to.prefix} are chapters' prefixes`);
    assert.equal([...m.params].sort(), Object.keys(to.schema).sort(), `every parameter of ${m.to.prefix} came from ${m.from.prefix}`);
    for (const p of m.params) assert.not.ok(Object.hasOwn(from.schema, p), `${m.from.prefix}.${p} is still ${m.from.id}'s`);
    const tag = CHAPTERS.find((c) => c.id === m.to.id)!.tag;
    assert.ok(CHAPTERS.some((c) => c.id === m.from.id), `${m.from.id} is a chapter`);
    const dir = new URL(`../../chapters/${tag}/`, import.meta.url);
    const cells = readdirSync(dir).flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/<live-cell id="([\w-]+)"/g)].map((x) => x[1]));
    assert.equal([...m.cells].sort(), [...cells].sort(), `the cells of ${tag}`);
  }
});

test.run();
