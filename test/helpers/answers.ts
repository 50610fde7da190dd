// The "What you should see, and why" disclosures of a chapter's try-this list
// (components/shell/chapter-section.ts): open one without scrolling (so no
// other cell comes into view and starts), and wait until its live number is
// what the test expects, reading it again as the section does every 0.5 s.
//
//   const text = await liveAnswer(page, 'chapter-3', 2, `PSNR ${f.psnr.toFixed(1)} dB`);
import type { Page } from 'playwright-core';

/** Answer `index` of the chapter's try-this list: its `<details>` (opened) and its live value's text. */
async function openAndRead(page: Page, chapter: string, index: number): Promise<{ found: boolean; value: string; pending: boolean }> {
  return page.evaluate(
    ([chapter, index]) => {
      const section = document.querySelector(chapter)?.shadowRoot?.querySelector('chapter-section');
      const details = section?.shadowRoot?.querySelectorAll<HTMLDetailsElement>('details.answer')[index];
      if (!details) return { found: false, value: '', pending: true };
      if (!details.open) details.open = true;
      const value = details.querySelector<HTMLElement>('.value');
      return { found: true, value: value?.dataset.live ?? '', pending: !value || value.hasAttribute('data-pending') };
    },
    [chapter, index] as const,
  );
}

/**
 * Opens answer `index` and waits (up to `ms`) until its live number is read and contains `expected` (a
 * string) or matches it (a RegExp); returns the text. Fails with the last text read.
 */
export async function liveAnswer(page: Page, chapter: string, index: number, expected: string | RegExp, ms = 15_000): Promise<string> {
  const until = Date.now() + ms;
  let last = await openAndRead(page, chapter, index);
  for (;;) {
    const ok = !last.pending && (typeof expected === 'string' ? last.value.includes(expected) : expected.test(last.value));
    if (ok) return last.value;
    if (!last.found) throw new Error(`${chapter}: no answer ${index} in its try-this list`);
    if (Date.now() > until) throw new Error(`${chapter}, answer ${index + 1}: expected ${String(expected)} in the live number, read "${last.pending ? '(not computed yet)' : last.value}"`);
    await page.waitForTimeout(200);
    last = await openAndRead(page, chapter, index);
  }
}

/** Every answer of the chapter's try-this list has a disclosure; the number of them. */
export function answerCount(page: Page, chapter: string): Promise<number> {
  return page.evaluate(
    (chapter) => document.querySelector(chapter)?.shadowRoot?.querySelector('chapter-section')?.shadowRoot?.querySelectorAll('details.answer').length ?? 0,
    chapter,
  );
}
