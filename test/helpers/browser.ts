// Browser tests' harness: a static server over a built folder (with the
// cross-origin isolation headers the development server sends), Debian's
// Chromium through playwright-core, and pages that record every console
// error, uncaught exception and request outside their own origin, so a test
// can fail on any of them.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStaticServer, type StaticServer, type StaticServerOptions } from '../../build.mjs';
import { CHROMIUM } from './ensure-chromium.mjs';

export { CHROMIUM };

export const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * WebGPU in headless Chromium: --enable-unsafe-webgpu is enough on Linux; Dawn then
 * finds SwiftShader's Vulkan (shipped with Debian's chromium) as a fallback adapter.
 */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

/** A host name that Chromium resolves to 127.0.0.1 when launched with `args: [CLASSROOM_RULE]`: a page from it is not a secure context, as on a teacher's laptop served to a class (http://192.168.…). */
export const CLASSROOM_HOST = 'classroom.test';
export const CLASSROOM_RULE = `--host-resolver-rules=MAP ${CLASSROOM_HOST} 127.0.0.1`;

export async function launchChromium(options: { webgpu?: boolean; args?: string[] } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_FLAGS, ...(options.webgpu ? WEBGPU_FLAGS : []), ...(options.args ?? [])],
  });
}

export function serve(dir: string, options: StaticServerOptions = {}): Promise<StaticServer> {
  return startStaticServer(dir, { host: '127.0.0.1', port: 0, ...options });
}

export interface ConsoleLine {
  type: string;
  text: string;
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Every console message, in order. */
  console: ConsoleLine[];
  /** Console errors, and uncaught exceptions in the page. */
  errors: string[];
  /** Requests to any origin but the page's own (the page's Content-Security-Policy refuses them), the service worker's own fetches included. */
  outside: string[];
  /** Same-origin requests, as URLs. */
  requests: string[];
  close(): Promise<void>;
}

/** A fresh context and page that watch for errors and outside requests. `origin` is the only one allowed. */
export async function watchedPage(
  browser: Browser,
  origin: string,
  options: {
    width?: number;
    height?: number;
    reducedMotion?: 'reduce' | 'no-preference';
    /** The site's service worker (sw.js): blocked unless a test asks for it (offline.test.ts), so the other
     *  tests see every request the page makes, and no test downloads the whole site in the background. */
    serviceWorkers?: 'allow' | 'block';
  } = {},
): Promise<WatchedPage> {
  const allowed = new URL(origin).origin;
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    reducedMotion: options.reducedMotion ?? 'no-preference',
    serviceWorkers: options.serviceWorkers ?? 'block',
  });
  context.setDefaultTimeout(60_000);
  const watched: WatchedPage = {
    page: null as unknown as Page,
    context,
    console: [],
    errors: [],
    outside: [],
    requests: [],
    close: () => context.close(),
  };
  const isLocal = (url: string) => url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('about:');
  // Requests are watched, not intercepted: intercepting every request (context.route) sends each one, the
  // model worker's fetches included, through this process and back, and Chromium's interception of worker
  // requests is known to leave some hanging (puppeteer#4208). A request to another origin still fails the
  // test (assertClean); the page's Content-Security-Policy refuses it before it leaves, and its violation
  // report is an error too.
  context.on('request', (req) => {
    const url = req.url();
    if (isLocal(url)) return;
    if (new URL(url).origin === allowed) watched.requests.push(url);
    else if (!watched.outside.includes(url)) watched.outside.push(url);
  });
  // A Content-Security-Policy violation fails the test like an error, wherever it is reported.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content-Security-Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  const page = await context.newPage();
  watched.page = page;
  page.on('console', (msg) => {
    const line = { type: msg.type(), text: msg.text() };
    watched.console.push(line);
    if (line.type === 'error') watched.errors.push(`console.error: ${line.text}`);
  });
  page.on('pageerror', (error) => watched.errors.push(`uncaught: ${error.message}`));
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      if (msg.type() === 'error') watched.errors.push(`worker console.error: ${msg.text()}`);
    });
  });
  return watched;
}

/** Throws, listing them, when the page logged an error or asked another origin for anything. */
export function assertClean(w: WatchedPage): void {
  const problems = [
    ...w.errors,
    ...w.outside.map((u) => `request outside the page's origin: ${u}`),
  ];
  if (problems.length) throw new Error(`the page was not clean:\n  ${problems.join('\n  ')}`);
}

/** Rejects after `ms` with `what` in the message, so a hung browser fails a test instead of hanging the run. */
export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The page's last `n` console warnings and errors (a live cell that fails says why with a warning), as one line. */
export function lastWarnings(w: WatchedPage, n = 4): string {
  const lines = w.console.filter((l) => l.type === 'warning' || l.type === 'error').slice(-n);
  return lines.length ? lines.map((l) => `${l.type}: ${l.text.slice(0, 300)}`).join(' | ') : 'none';
}

/** A live cell of a figure of a chapter (each in the shadow root of the one before), and the figure's status line. */
export interface CellPath {
  chapter: string;
  figure: string;
  /** The live cell's id. */
  cell: string;
  /** A selector, in the figure, of the line that says how its run goes. */
  status?: string;
}

/** What a live cell shows (its status, error text and the figure's status line) and where the page is scrolled, as JSON. */
export function cellState(page: Page, at: CellPath): Promise<string> {
  return page.evaluate((at) => {
    // (no named helpers in here: the test runner's transform would wrap them in a __name the page lacks)
    const f = document.querySelector(at.chapter)?.shadowRoot?.querySelector(at.figure);
    const cell = f?.shadowRoot?.querySelector(`live-cell#${at.cell}`) as HTMLElement | null | undefined;
    const error = cell?.shadowRoot?.querySelector('.error')?.textContent?.replace(/\s+/g, ' ').trim();
    const status = at.status ? f?.shadowRoot?.querySelector(at.status)?.textContent?.trim() : undefined;
    return JSON.stringify({ cell: cell?.dataset.status ?? null, status, error: error ?? null, scrollY: Math.round(scrollY) });
  }, at);
}

/**
 * Waits for a figure's run: `ended(ms)` is a page.waitForFunction (given its timeout) that turns true once the
 * run is over, with or without a result. Throws, saying `what`, what the cell at `cell` shows, what `run` reads
 * of the run and the page's last warnings, when it does not end in `ms`, or when it ended and `succeeded` says
 * it has no result.
 */
export async function runEnded(
  w: WatchedPage,
  what: string,
  ms: number,
  ended: (timeout: number) => Promise<unknown>,
  cell: CellPath,
  run: () => Promise<unknown>,
  succeeded: () => Promise<boolean>,
): Promise<void> {
  const read = async () => `{"cell":${await cellState(w.page, cell)},"run":${JSON.stringify(await run())}}`;
  const shows = async () => `the figure shows ${await within(10_000, 'the figure', read()).catch(() => '(unreadable)')}; the page's last warnings: ${lastWarnings(w)}`;
  try {
    await ended(ms);
  } catch (e) {
    throw new Error(`timed out after ${ms} ms: ${what}; ${await shows()}`, { cause: e });
  }
  if (!(await succeeded())) throw new Error(`${what} ended without a result; ${await shows()}`);
}
