#!/usr/bin/env node
// npm run bench [-- NAME …]: the explainer's speed budgets, measured on this
// machine in Debian's Chromium, each printed with its budget and PASS or FAIL.
// Exits 1 when a figure fails (or a suite crashes).
//
// A registry others extend: every file tools/bench/*.mjs (or *.ts) is a suite,
// run in name order (NAME on the command line picks suites whose file name
// contains it). A suite exports
//
//   export const title = 'Chapters 0 and 1';
//   export async function run(ctx) {
//     const page = await ctx.page();                      // a fresh page on the production build
//     …
//     return [{ name: 'slider input → redrawn image', value: 0.8, unit: 'ms', budget: 4, detail: 'median of 60' }];
//   }
//
// A figure passes when value ≤ budget (lower is better); one with `budget: null` is only printed
// (INFO), never failing. `ctx`:
//   root                  the repository
//   dist()                the production build (dist/, built once per run), its path
//   serve(dir, options)   a static server (build.mjs startStaticServer), closed at the end
//   site()                the production build served (once), its URL
//   chromium()            one Chromium (playwright-core, /usr/bin/chromium), closed at the end
//   freshChromium()       a Chromium of its own, started now, for a bench that wants nothing left from
//                         an earlier visit (the caller closes it; it is closed at the end too)
//   page(options)         a fresh page: { page, context, errors } (errors: console errors and uncaught exceptions)
//   buildTestPage(opts)   build.mjs buildTestPage: a bundle of any entry, served with ctx.serve
//   log(...)              progress lines
//
// A background training run is paused while the benchmarks run (tools/pause-training.mjs).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { BASE_FLAGS, CHROMIUM } from '../test/helpers/browser.ts';
import { DIST, build, buildTestPage, startStaticServer } from '../build.mjs';
import { withTrainingPaused } from './pause-training.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const suitesDir = path.join(root, 'tools', 'bench');
const only = process.argv.slice(2);

const CHROMIUM_ARGS = BASE_FLAGS; // the browser tests' flags (one list)
const launch = () => chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });

function makeContext() {
  const closers = [];
  let distPromise = null, sitePromise = null, browserPromise = null;
  const ctx = {
    root,
    log: (...args) => console.log('   ', ...args),
    dist() {
      distPromise ??= build().then(() => DIST);
      return distPromise;
    },
    async serve(dir, options = {}) {
      const server = await startStaticServer(dir, { host: '127.0.0.1', port: 0, ...options });
      closers.push(() => server.close());
      return server;
    },
    site() {
      sitePromise ??= ctx.dist().then((dir) => ctx.serve(dir)).then((s) => s.url);
      return sitePromise;
    },
    chromium() {
      browserPromise ??= launch().then((b) => {
        closers.push(() => b.close());
        return b;
      });
      return browserPromise;
    },
    async freshChromium() {
      const b = await launch();
      closers.push(() => b.close().catch(() => undefined));
      return b;
    },
    async page({ width = 1280, height = 900, reducedMotion = 'reduce' } = {}) {
      const browser = await ctx.chromium();
      const context = await browser.newContext({ viewport: { width, height }, reducedMotion });
      const page = await context.newPage();
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      closers.push(() => context.close());
      return { page, context, errors };
    },
    buildTestPage,
    async close() {
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch {}
      }
    },
  };
  return ctx;
}

const fmt = (v, unit) => `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ${unit}`;

const files = readdirSync(suitesDir)
  .filter((f) => /\.(mjs|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.includes('-page.') && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

if (files.length === 0) {
  console.error(`No benchmark suite in tools/bench/${only.length ? ` matching ${only.join(', ')}` : ''}.`);
  process.exit(1);
}

const status = await withTrainingPaused(root, async () => {
  const ctx = makeContext();
  const rows = [];
  let crashed = 0;
  try {
    for (const file of files) {
      const suite = await import(pathToFileURL(path.join(suitesDir, file)).href);
      console.log(`\n== ${suite.title ?? file} (tools/bench/${file}) ==`);
      try {
        const figures = await suite.run(ctx);
        for (const f of figures) {
          const detail = f.detail ? ` — ${f.detail}` : '';
          if (f.budget === null || f.budget === undefined) {
            console.log(`  INFO  ${f.name}: ${fmt(f.value, f.unit)} (printed, no budget)${detail}`);
            continue;
          }
          const pass = Number.isFinite(f.value) && f.value <= f.budget;
          rows.push({ ...f, pass });
          console.log(`  ${pass ? 'PASS' : 'FAIL'}  ${f.name}: ${fmt(f.value, f.unit)} (budget ≤ ${f.budget} ${f.unit})${detail}`);
        }
      } catch (error) {
        crashed++;
        console.error(`  FAIL  the suite stopped: ${error?.stack ?? error}`);
      }
    }
    const browser = await ctx.chromium();
    const failed = rows.filter((r) => !r.pass).length + crashed;
    console.log(`\n${rows.length} figures: ${rows.length - rows.filter((r) => !r.pass).length} PASS, ${failed} FAIL — Chromium ${browser.version()}, this machine`);
    return failed > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
});
process.exit(status);
