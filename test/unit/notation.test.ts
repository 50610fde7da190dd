// The notation and terms: every key has a one-line definition for its popover and
// a glossary entry in index.html, and the popover's place stays inside the window.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { NOTATION, type NotationEntry } from '../../components/shell/notation';
import { placePopover } from '../../components/shell/notation-term';

const entries = Object.entries(NOTATION) as [string, NotationEntry][];

test('every term key has a one-line definition', () => {
  assert.ok(entries.length >= 24, `${entries.length} entries`);
  for (const [key, n] of entries) {
    assert.type(n.definition, 'string', key);
    assert.ok(n.definition.trim().length >= 20, `${key}: a definition, not "${n.definition}"`);
    assert.not.match(n.definition, /[\n\r]/, `${key}: one line`);
    assert.ok(n.definition.length <= 200, `${key}: short (${n.definition.length} characters)`);
    assert.ok(n.name.trim().length > 0, `${key}: a name`);
  }
});

test('the jargon the chapters use before defining it has an entry', () => {
  for (const key of ['ddpm', 'ddim', 'eta', 'trailing', 'flops', 'vae', 'kl', 'crossAttention', 'adaln', 'daam', 'promptToPrompt']) {
    assert.ok(key in NOTATION, key);
  }
  assert.match(NOTATION.kl.definition, /½\(μ² \+ σ² − log σ² − 1\)/, 'the VAE’s KL term to N(0, 1)');
});

test('ids are unique and each is a glossary entry in index.html', () => {
  const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');
  const glossary = html.slice(html.indexOf('<section id="notation"'));
  const ids = entries.map(([, n]) => n.id);
  assert.is(new Set(ids).size, ids.length, 'unique ids');
  for (const id of ids) assert.match(glossary, new RegExp(`<dt id="${id}"[ >]`), `#${id} in section#notation`);
});

test('the popover sits under its term, inside the window, above it near the bottom', () => {
  const view = { width: 390, height: 844 };
  const size = { width: 320, height: 60 };
  const mid = placePopover({ left: 180, right: 200, top: 300, bottom: 320 }, size, view);
  assert.equal(mid, { left: 30, top: 326 });
  const right = placePopover({ left: 370, right: 385, top: 300, bottom: 320 }, size, view);
  assert.is(right.left, 390 - 8 - 320, 'kept off the right edge');
  const left = placePopover({ left: 0, right: 12, top: 300, bottom: 320 }, size, view);
  assert.is(left.left, 8, 'kept off the left edge');
  const low = placePopover({ left: 180, right: 200, top: 800, bottom: 820 }, size, view);
  assert.is(low.top, 800 - 6 - 60, 'above the term near the bottom');
});

test.run();
