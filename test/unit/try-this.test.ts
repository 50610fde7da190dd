// Every chapter's "Try this" items name the figure they change (chapter-section
// scrolls it into view and marks it), and that figure is one the chapter shows:
// read from the chapter's source: TRY_THIS sits in chapters/<tag>/try-this.ts
// where the chapter has one (else in the chapter's own file), the template in
// the chapter's file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { CHAPTERS } from '../../chapters/registry';

/** The chapter's template source, and the source holding its TRY_THIS list. */
function sourcesOf(tag: string): { template: string; list: string } {
  const template = readFileSync(new URL(`../../chapters/${tag}/${tag}.ts`, import.meta.url), 'utf8');
  const own = new URL(`../../chapters/${tag}/try-this.ts`, import.meta.url);
  return { template, list: existsSync(own) ? readFileSync(own, 'utf8') : template };
}

function tryThisOf(source: string): { question: string; figure: string | null; answer: boolean; live: boolean }[] {
  const start = source.indexOf('const TRY_THIS');
  assert.ok(start >= 0, 'the chapter has a TRY_THIS list');
  const block = source.slice(start, source.indexOf('\n];', start));
  return block
    .split(/\n  \{\n/)
    .slice(1)
    .map((item) => ({
      question: /question: '([^']*)'/.exec(item)?.[1] ?? '',
      figure: /\n\s+figure: '([\w#.-]+)',/.exec(item)?.[1] ?? null,
      answer: /\n\s+answer: html`/.test(item),
      live: /\n\s+live: \{/.test(item),
    }));
}

test('each try-this item names a figure, and the chapter renders that figure', () => {
  for (const c of CHAPTERS) {
    const { template: source, list } = sourcesOf(c.tag);
    const items = tryThisOf(list);
    assert.ok(items.length >= 3, `${c.tag}: at least three questions (${items.length})`);
    for (const { question, figure } of items) {
      assert.ok(figure, `${c.tag}: “${question.slice(0, 50)}…” names no figure`);
      assert.ok(source.includes(`<${figure} `) || source.includes(`<${figure}\n`), `${c.tag}: <${figure}> is not in the chapter's template`);
    }
  }
});

test('each try-this item has an answer ("What you should see, and why"); most read a number live from the figure', () => {
  let live = 0, all = 0;
  for (const c of CHAPTERS) {
    for (const { question, answer, live: reads } of tryThisOf(sourcesOf(c.tag).list)) {
      assert.ok(answer, `${c.tag}: “${question.slice(0, 50)}…” has no answer`);
      all++;
      if (reads) live++;
    }
  }
  assert.ok(live >= all / 2, `${live} of ${all} answers read a live number`);
});

test.run();
