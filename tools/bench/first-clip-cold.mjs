// The first clip after a cold visit (issue 24): a fresh browser profile (empty HTTP cache, no
// service worker, nothing in Cache Storage) opens the production build at the top, served from
// localhost, and the first screen makes its clip by itself. From the navigation's start:
//   - the models downloaded (the first screen's phase turns from 'loading' to 'running': the model
//     worker has fetched and checked them; their sessions are made as the clip starts, each before
//     its model's first call, and that time is in the two figures below),
//   - the first step's preview on screen (the streamed x̂₀),
//   - the finished clip (budget: 4 s on this machine, idle, one thread).
// Five visits, each in a browser of its own; the median of each. WASM, one thread (the page is
// cross-origin isolated here, but `?threads=1` is not a switch: the default on this 2-core machine is
// what a reader gets).
export const title = 'First clip after a cold visit';

/** Before any script of the page: when the first screen turns running, shows a preview, holds its clip. */
function recordFirstScreen() {
  window.__coldAt = {};
  const at = window.__coldAt;
  const timer = setInterval(() => {
    const el = document.querySelector('first-screen');
    if (!el) return;
    const now = performance.now();
    if (!at.running && el.phase === 'running') at.running = now;
    if (!at.preview && el.trace?.previews?.length) at.preview = now;
    if (!at.clip && el.result) {
      at.clip = now;
      clearInterval(timer);
    }
  }, 10);
}

async function visit(ctx, url) {
  // a browser of its own each visit: an earlier visit's processes (a WebAssembly module still tiering up in
  // the background, a renderer being torn down) would share this machine's two cores with this one
  const browser = await ctx.freshChromium();
  await new Promise((r) => setTimeout(r, 1000)); // the browser's own start settles
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce', serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(recordFirstScreen);
  await page.goto(`${url}?backend=wasm`);
  await page.waitForFunction(() => window.__coldAt?.clip != null, null, { timeout: 180_000, polling: 50 });
  const times = await page.evaluate(() => window.__coldAt);
  if (errors.length) throw new Error(`the page logged errors: ${errors.join('; ')}`);
  await context.close();
  await browser.close();
  return times;
}

const VISITS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function run(ctx) {
  const url = await ctx.site();
  const visits = [];
  for (let i = 0; i < VISITS; i++) visits.push(await visit(ctx, url));
  const row = (key, name, budget) => ({
    name,
    value: median(visits.map((v) => v[key])) / 1000,
    unit: 's',
    budget,
    detail: `${VISITS} cold visits: ${visits.map((v) => (v[key] / 1000).toFixed(2)).join(', ')} s`,
  });
  return [
    row('running', 'models downloaded', null),
    row('preview', 'first preview of the clip on screen', null),
    row('clip', 'the finished clip', 4),
  ];
}
