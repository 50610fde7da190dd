// The chapters' one list (chapters/registry.ts): what the build reads of it, and
// the contents and chapter elements it writes into index.html from it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { chapterList, fillChapters } from '../../build.mjs';
import { CHAPTERS, chapterByTag } from '../../chapters/registry';

const shell = readFileSync(new URL('../../index.html', import.meta.url), 'utf8');

test('the build reads the registry as the page does: tag, id, number and title of each chapter, in order', () => {
  assert.equal(chapterList(), CHAPTERS.map(({ tag, id, number, title }) => ({ tag, id, number, title })));
  assert.equal(CHAPTERS.map((c) => c.tag), ['chapter-0', 'chapter-1', 'chapter-training', 'chapter-2', 'chapter-3', 'chapter-4', 'chapter-5', 'chapter-6', 'chapter-guidance', 'chapter-7']);
  assert.is(new Set(CHAPTERS.map((c) => c.id)).size, CHAPTERS.length, 'ids are unique');
  assert.is(chapterByTag('chapter-7')?.id, 'text-to-video');
  assert.ok(CHAPTERS.every((c) => typeof c.load === 'function'));
});

test('index.html gets a line of the contents and an element for every chapter, in reading order, between the fixed entries', () => {
  const html = fillChapters(shell);
  assert.not.match(html, /<!-- chapters:/);
  const toc = [...html.matchAll(/<li><a href="#([\w-]+)"><span class="n">([^<]*)<\/span><span>([^<]*)<\/span><\/a><\/li>/g)].map((m) => [m[1], m[2], m[3]]);
  assert.equal(toc, [['pipeline', '·', 'The pipeline at a glance'], ...CHAPTERS.map((c) => [c.id, c.number, c.title]), ['notation', '·', 'Notation'], ['engine', '·', 'Engine']]);
  const elements = [...html.matchAll(/<(chapter-[\w-]+) id="([\w-]+)" class="chapter" data-number="(\d+)" data-title="([^"]*)">\s*<h2>([^<]*)<\/h2>/g)].map((m) => m.slice(1));
  assert.equal(elements, CHAPTERS.map((c) => [c.tag, c.id, c.number, c.title, `${c.number}. ${c.title}`]));
  assert.ok(html.indexOf('<first-screen') < html.indexOf('<chapter-0') && html.indexOf('</chapter-7>') < html.indexOf('id="notation"'), 'after the first screen, before the notation');
});

test('text is escaped, and a shell without the marks is an error', () => {
  const html = fillChapters(shell, [{ tag: 'chapter-9', id: 'x', number: '9', title: 'A <b>bold</b> & "quoted" title' }]);
  assert.match(html, /data-title="A &#60;b&#62;bold&#60;\/b&#62; &#38; &#34;quoted&#34; title"/);
  assert.not.match(html, /<b>bold/);
  assert.throws(() => fillChapters('<html></html>'), /no <!-- chapters: contents/);
});

/** Every .ts file under a folder of the repository. */
function sources(dir: URL): URL[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(new URL(`${e.name}/`, dir)) : e.name.endsWith('.ts') ? [new URL(e.name, dir)] : []));
}

test('a link that names a chapter by number says the number the registry gives it (index.html, the chapters, the components)', () => {
  const numberOf = new Map(CHAPTERS.map((c) => [c.id, c.number]));
  const files = [new URL('../../index.html', import.meta.url), ...sources(new URL('../../chapters/', import.meta.url)), ...sources(new URL('../../components/', import.meta.url))];
  const links = [
    /<a href="#([\w-]+?)(?:--[\w-]+)?">(?:[Cc]hapter|Ch\.) (\d+)/g, // <a href="#guidance">chapter 8</a>
    /href: '#([\w-]+?)(?:--[\w-]+)?', label: '(?:(?:[Cc]hapter|Ch\.) )?(\d+)/g, // { href: '#conditioning', label: 'Ch. 7' }
  ];
  let seen = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const re of links) {
      for (const [link, id, n] of text.matchAll(re)) {
        if (!numberOf.has(id)) continue;
        seen++;
        assert.is(n, numberOf.get(id), `${file.pathname.split('/').slice(-2).join('/')}: ${link} (#${id} is chapter ${numberOf.get(id)})`);
      }
    }
  }
  assert.ok(seen >= 20, `${seen} numbered links found`);
});

test.run();
