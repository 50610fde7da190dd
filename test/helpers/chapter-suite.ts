// What every chapter's browser test sets up, once: Chromium, a static server
// over the production build (dist/, made by setup.mjs, or a copy the test builds
// for itself), the real models in Node for the reference results, a test that
// is skipped (saying which model) when the manifest lacks a model it needs, a
// page opened at the chapter with its code loaded, and a cell run on demand.
//
//   const suite = chapterSuite(test, { tag: 'chapter-6', hash: 'conditioning', open: { reducedMotion: 'reduce' } });
//   suite.withModels(['dit'], 'the attention cell…', async () => {
//     const w = await suite.open('&c6.seed=3');
//     await suite.ensure(w.page, 'attention');
//     … suite.host (Node's ModelHost), manifest, suite.server.url, suite.browser …
//   });
//
// A test that builds its own copy of the site and needs a second server over it
// (here one whose manifest lacks the DiT):
//
//   const suite = chapterSuite(test, { tag: 'chapter-2', hash: 'denoising', dir: SITE, build: true, servers: { noDit: { routes } } });
//   const w = await suite.open('c2.steps=6', { at: suite.servers.noDit });
import type { Test } from 'uvu';
import type { Browser, Page } from 'playwright-core';
import { build, DIST, type StaticServer, type StaticServerOptions } from '../../build.mjs';
import { ModelHost } from '../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../pipeline/runtime/weights-node';
import type { Manifest } from '../../pipeline/runtime/manifest';
import { launchChromium, serve, watchedPage, within, type WatchedPage } from './browser';

/** weights/manifest.json, read once when the tests are listed (null before the first export). */
export const manifest: Manifest | null = readManifestIfAny();

export interface OpenOptions {
  width?: number;
  height?: number;
  reducedMotion?: 'reduce' | 'no-preference';
  /** Another server (e.g. one of the suite's `servers`); default: the suite's. */
  at?: StaticServer;
  /** The fragment to open at, without '#' ('' for none); default: the chapter's. */
  hash?: string;
  /** `backend=wasm` first in the query (default), or nothing. */
  backend?: 'wasm' | null;
  /** Runs on the new page before it navigates (e.g. routes that slow or change responses). */
  before?: (w: WatchedPage) => Promise<unknown>;
}

export interface ChapterSuiteOptions<S extends string> {
  /** The chapter's element, e.g. 'chapter-6': open() waits for its data-ready, ensure() asks it. */
  tag: string;
  /** Its id in the page (the fragment that loads its code), e.g. 'conditioning'; '' for none. */
  hash: string;
  /** Defaults for open(). */
  open?: Omit<OpenOptions, 'at' | 'hash' | 'before'>;
  /** Serve this folder instead of dist/. */
  dir?: string;
  /** Build the site into `dir` first (a copy of the site for this test alone). */
  build?: boolean;
  /** More servers over the same folder, by name (e.g. one whose manifest lacks a model); null: not started. */
  servers?: Record<S, StaticServerOptions | null>;
}

export interface ChapterSuite<S extends string> {
  readonly browser: Browser;
  readonly server: StaticServer;
  /** The `servers` asked for, started (those given null are absent). */
  readonly servers: Record<S, StaticServer>;
  /** The same models in Node (WASM), for reference results; made on first use. */
  readonly host: ModelHost;
  /** weights/manifest.json (the module's `manifest`). */
  readonly manifest: Manifest | null;
  /** A test that needs these models; skipped, saying which are missing, when the manifest lacks one. */
  withModels(names: readonly string[], name: string, fn: () => Promise<void>): void;
  /**
   * A fresh watched page at the chapter (its code loaded and its first render done). The query's
   * parameters may start with '?', '&' or neither.
   */
  open(query?: string, options?: OpenOptions): Promise<WatchedPage>;
  /** Runs the chapter's cell `id` for the page's current state (the chapter's `ensure(id)`) and waits for it. */
  ensure(page: Page, id: string, ms?: number): Promise<true>;
}

export function chapterSuite<S extends string = never>(test: Test, options: ChapterSuiteOptions<S>): ChapterSuite<S> {
  const dir = options.dir ?? DIST;
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  let servers: Record<S, StaticServer> | undefined;
  let host: ModelHost | undefined;
  test.before(async () => {
    if (options.build) await build({ outdir: dir });
    browser = await launchChromium();
    server = await serve(dir);
    servers = {} as Record<S, StaticServer>;
    for (const [name, o] of Object.entries(options.servers ?? {}) as [S, StaticServerOptions | null][]) if (o) servers[name] = await serve(dir, o);
  });
  test.after(async () => {
    await browser?.close();
    for (const s of [server, ...Object.values<StaticServer>(servers ?? {})]) await s?.close();
    await host?.release();
  });
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`chapterSuite: ${what} is made in test.before`);
    return v;
  };
  const suite: ChapterSuite<S> = {
    get browser() {
      return need(browser, 'the browser');
    },
    get server() {
      return need(server, 'the server');
    },
    get servers() {
      return need(servers, 'the servers');
    },
    get host() {
      return (host ??= new ModelHost(fileWeights()));
    },
    manifest,
    withModels(names, name, fn) {
      const missing = names.filter((n) => !manifest?.models[n]);
      if (!missing.length) return test(name, fn);
      console.log(`  skipped "${name}": weights/manifest.json does not list ${missing.join(', ')} yet`);
      test.skip(name, fn);
    },
    async open(query = '', o = {}) {
      const { width = 1280, height = 900, reducedMotion, backend = 'wasm' } = { ...options.open, ...o };
      const at = o.at ?? suite.server;
      const w = await watchedPage(suite.browser, at.url, { width, height, reducedMotion });
      await o.before?.(w);
      const params = [backend && `backend=${backend}`, query.replace(/^[?&]/, '')].filter(Boolean).join('&');
      const hash = o.hash ?? options.hash;
      await w.page.goto(`${at.url}${params ? `?${params}` : ''}${hash ? `#${hash}` : ''}`);
      await w.page.waitForSelector(`${options.tag}[data-ready="true"]`, { state: 'attached' });
      return w;
    },
    ensure(page, id, ms = 240_000) {
      type Chapter = Element & { ensure(id: string): Promise<unknown> };
      const run = page.evaluate(([tag, id]) => (document.querySelector(tag) as Chapter).ensure(id).then(() => true as const), [options.tag, id] as const);
      return within(ms, `cell ${id}`, run);
    },
  };
  return suite;
}
