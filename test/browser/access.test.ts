// Access (issue 8), over the whole page with every chapter loaded, in one
// browser: Chromium's own accessibility tree (CDP Accessibility.getFullAXTree,
// which computes names across shadow roots the way a screen reader gets them)
// must give every control — button, text field, slider, check box, radio,
// select — a name, and every chart and picture (role img) a text alternative;
// the page must not scroll sideways at 390 px; with prefers-reduced-motion no
// clip plays by itself (and without it, chapter 1's world clip does, so the
// check can fail); chart series colours are Okabe–Ito.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import { DIST, type StaticServer } from '../../build.mjs';
import { CHART_COLOURS, OKABE_ITO } from '../../components/charts/plot-chart';
import { assertClean, launchChromium, serve, watchedPage, type WatchedPage } from '../helpers/browser';

const CHAPTERS = ['first-screen', 'chapter-0', 'chapter-1', 'chapter-training', 'chapter-2', 'chapter-3', 'chapter-4', 'chapter-5', 'chapter-6', 'chapter-guidance', 'chapter-7'];
const CONTROL_ROLES = new Set(['button', 'textbox', 'searchbox', 'slider', 'spinbutton', 'checkbox', 'radio', 'switch', 'combobox', 'listbox', 'menuitem', 'tab']);

let browser: Browser;
let server: StaticServer;

test.before(async () => {
  browser = await launchChromium();
  server = await serve(DIST);
});

test.after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the page and brings every chapter near until all have loaded and drawn. */
async function openAll(options: { width: number; reducedMotion: 'reduce' | 'no-preference' }): Promise<WatchedPage> {
  const w = await watchedPage(browser, server.url, { width: options.width, height: 800, reducedMotion: options.reducedMotion });
  await w.page.goto(server.url);
  for (const tag of CHAPTERS) {
    await w.page.locator(tag).first().scrollIntoViewIfNeeded();
    await w.page.waitForSelector(`${tag}[data-ready="true"]`, { state: 'attached', timeout: 60_000 });
  }
  await w.page.waitForTimeout(1500);
  return w;
}

interface AXNode {
  nodeId: string;
  ignored: boolean;
  role?: { value: string };
  name?: { value: string };
  backendDOMNodeId?: number;
}

async function unnamed(page: Page): Promise<{ problems: string[]; controls: number; pictures: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as unknown as { nodes: AXNode[] };
  const problems: string[] = [];
  let controls = 0;
  let pictures = 0;
  for (const n of nodes) {
    const role = n.role?.value ?? '';
    if (n.ignored || !(CONTROL_ROLES.has(role) || role === 'img' || role === 'image')) continue;
    if (CONTROL_ROLES.has(role)) controls++;
    else pictures++;
    if ((n.name?.value ?? '').trim() && n.name!.value.trim() !== 'chart') continue;
    let where = '';
    if (n.backendDOMNodeId) {
      const { node } = (await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId, depth: 0 })) as unknown as {
        node: { localName: string; attributes?: string[] };
      };
      const attrs = node.attributes ?? [];
      const attr = (k: string) => attrs[attrs.indexOf(k) + 1];
      const resolved = await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId });
      const path = await cdp.send('Runtime.callFunctionOn', {
        objectId: resolved.object.objectId,
        returnByValue: true,
        functionDeclaration: `function () {
          const hosts = [];
          for (let r = this.getRootNode(); r && r.host; r = r.host.getRootNode()) hosts.unshift(r.host.localName + (r.host.id ? '#' + r.host.id : ''));
          return hosts.join(' > ');
        }`,
      });
      where = `${path.result.value} > ${node.localName}${attr('id') ? `#${attr('id')}` : ''}${attr('class') ? `.${attr('class').split(' ').join('.')}` : ''}`;
    }
    problems.push(`${role} without a name: ${where}`);
  }
  await cdp.detach();
  return { problems, controls, pictures };
}

test('every control has a name and every picture and chart a text alternative, in every chapter; nothing scrolls sideways at 390 px', async () => {
  const w = await openAll({ width: 390, reducedMotion: 'reduce' });
  const { problems, controls, pictures } = await unnamed(w.page);
  console.log(`  accessibility tree: ${controls} controls, ${pictures} pictures and charts checked`);
  assert.equal(problems, [], `unnamed:\n  ${problems.join('\n  ')}`);
  assert.ok(controls >= 50 && pictures >= 10, `the tree holds the controls (${controls}) and pictures (${pictures})`);
  // the tree has the controls at all (the check can see them): sliders, buttons, the cell tools
  const counts = await w.page.evaluate(() => {
    let sliders = 0, tools = 0;
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length) {
      const r = roots.pop()!;
      sliders += r.querySelectorAll('input[type="range"]').length;
      tools += r.querySelectorAll('.tools button').length;
      for (const el of r.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    return { sliders, tools, width: document.documentElement.scrollWidth };
  });
  assert.ok(counts.sliders >= 10 && counts.tools >= 20, JSON.stringify(counts));
  assert.ok(counts.width <= 390, `the page is ${counts.width} px wide at 390`);
  assertClean(w);
  await w.close();
});

test('prefers-reduced-motion: no clip plays by itself (and without it, the world clip does)', async () => {
  const playing = (page: Page) =>
    page.evaluate(() => {
      const out: boolean[] = [];
      const roots: (Document | ShadowRoot)[] = [document];
      while (roots.length) {
        const r = roots.pop()!;
        for (const p of r.querySelectorAll('clip-player')) {
          const b = p.shadowRoot?.querySelector('button[aria-pressed]');
          if (b) out.push(b.getAttribute('aria-pressed') === 'true');
        }
        for (const el of r.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
      }
      return out;
    });
  for (const motion of ['reduce', 'no-preference'] as const) {
    const w = await watchedPage(browser, server.url, { width: 1280, height: 800, reducedMotion: motion });
    await w.page.goto(`${server.url}#forward-noising`);
    await w.page.waitForSelector('chapter-1[data-ready="true"]', { state: 'attached' });
    await w.page.waitForTimeout(800);
    const states = await playing(w.page);
    assert.ok(states.length >= 1, 'chapter 1 has a clip');
    if (motion === 'reduce') assert.ok(states.every((p) => !p), `reduced motion: ${JSON.stringify(states)}`);
    else assert.ok(states.some((p) => p), `no preference: the world clip plays (${JSON.stringify(states)})`);
    await w.close();
  }
});

test('chart series colours are Okabe–Ito', () => {
  for (const key of ['signal', 'noise', 'accent', 'particles', 'samples', 'field'] as const) {
    assert.ok((OKABE_ITO as readonly string[]).includes(CHART_COLOURS[key]), `${key}: ${CHART_COLOURS[key]}`);
  }
  assert.is.not(CHART_COLOURS.particles, CHART_COLOURS.samples, 'particles and samples apart');
});

test.run();
