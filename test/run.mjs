#!/usr/bin/env node
// Runs every test suite with uvu and ends with one line "N passed, N failed".
// It fails when a suite fails, and when no test ran at all.
// Suites: test/unit (Node, one process) and, when present, test/browser
// (Chromium against the production build; see test/browser/README.md): the
// build is made once, then each file runs in its own process, so each prints
// its time, and the files that run no model share the machine with the others
// (at most JOBS at once; `--jobs 1` runs them one after another). A training
// or evaluation run listed in weights/.work/pids/ is paused (SIGSTOP) while tests run
// and resumed after.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import os from 'node:os';
import { withTrainingPaused } from '../tools/pause-training.mjs';
import { ensureChromium } from './helpers/ensure-chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `npm test -- unit` runs one suite; any other word narrows the files, e.g.
// `npm test -- browser chapter-2` runs test/browser/chapter-2.test.ts alone.
const args = process.argv.slice(2);
const jobsAt = args.indexOf('--jobs');
const jobs = jobsAt >= 0 ? Math.max(1, Number(args[jobsAt + 1]) || 1) : Math.max(1, Math.min(2, os.availableParallelism?.() ?? os.cpus().length));
const words = args.filter((a, i) => a !== '--jobs' && !(jobsAt >= 0 && i === jobsAt + 1));
const only = words.filter((a) => a === 'unit' || a === 'browser');
const files = words.filter((a) => !only.includes(a));
const pattern = files.length ? `(${files.map((f) => f.replace(/[^\w/-]/g, '')).join('|')})[^/]*\\.test\\.(ts|mjs)$` : '\\.test\\.(ts|mjs)$';
const uvuBin = path.join(root, 'node_modules', 'uvu', 'bin.js');

// Browser test files that run no real model: light enough to run beside another file.
// Every other file runs real models in Chromium, one such file at a time.
const LIGHT = new Set(['shell', 'components', 'presenter', 'chapter-0', 'chapter-0-flow', 'chapter-0-learning', 'chapter-1', 'ort', 'access'].map((n) => `${n}.test.ts`));

const suites = [
  { name: 'unit', dir: 'test/unit' },
  { name: 'browser', dir: 'test/browser', setup: 'test/browser/setup.mjs', perFile: true },
].filter((s) => existsSync(path.join(root, s.dir)) && (only.length === 0 || only.includes(s.name)));

/** uvu's summary of one run's output. */
function summary(stdout, status) {
  const num = (label) => Number((stdout ?? '').match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  // uvu exits 1 on a failure; a crash before the summary leaves no totals.
  return { total, passed, skipped, failedToRun: status !== 0 && total === passed };
}

function uvu(dir, filePattern) {
  return [['--import', 'tsx', uvuBin, dir, filePattern, '--no-color'], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } }];
}

function runWhole(suite) {
  const [argv, options] = uvu(suite.dir, pattern);
  const res = spawnSync(process.execPath, argv, { ...options, encoding: 'utf8', maxBuffer: 1 << 28 });
  process.stdout.write(res.stdout ?? '');
  process.stderr.write(res.stderr ?? '');
  return summary(res.stdout, res.status);
}

/** One file in its own process; its output is printed whole when it ends, with its time. */
function runFile(suite, file) {
  const escaped = file.replace(/[.]/g, '\\.');
  const [argv, options] = uvu(suite.dir, `(^|/)${escaped}$`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => {
      const r = summary(out, status);
      const seconds = ((Date.now() - t0) / 1000).toFixed(0);
      process.stdout.write(`\n-- ${suite.dir}/${file} --\n${out}`);
      process.stderr.write(err);
      console.log(`-- ${file}: ${r.passed} passed, ${r.total - r.passed}${r.failedToRun ? ' (did not run to the end)' : ''} failed, in ${seconds} s`);
      resolve({ ...r, file, seconds: Number(seconds) });
    });
  });
}

/** Every file of the suite, the heavy ones one at a time, light ones beside them, at most `jobs` at once. */
async function runPerFile(suite) {
  const re = new RegExp(pattern);
  const list = readdirSync(path.join(root, suite.dir)).filter((f) => re.test(f)).sort();
  const heavy = list.filter((f) => !LIGHT.has(f));
  const light = list.filter((f) => LIGHT.has(f));
  const results = [];
  const lane = async (queue) => {
    while (queue.length) results.push(await runFile(suite, queue.shift()));
  };
  if (jobs === 1) await lane([...heavy, ...light]);
  else await Promise.all([lane(heavy), ...Array.from({ length: jobs - 1 }, () => lane(light))]);
  const total = results.reduce((s, r) => s + r.total, 0);
  const passed = results.reduce((s, r) => s + r.passed, 0);
  const skipped = results.reduce((s, r) => s + r.skipped, 0);
  const failedToRun = results.filter((r) => r.failedToRun).map((r) => r.file);
  if (failedToRun.length) console.error(`did not run to the end: ${failedToRun.join(', ')}`);
  const slow = [...results].sort((a, b) => b.seconds - a.seconds).map((r) => `${r.file.replace('.test.ts', '')} ${r.seconds} s`);
  console.log(`\n${suite.name} files by time (${jobs} at most at once): ${slow.join(', ')}`);
  return { total, passed, skipped, failedToRun: failedToRun.length > 0, crashes: failedToRun.length };
}

async function runSuite(suite) {
  if (suite.name === 'browser') ensureChromium();
  if (suite.setup && existsSync(path.join(root, suite.setup))) {
    const setup = spawnSync(process.execPath, [suite.setup], { cwd: root, stdio: 'inherit' });
    if (setup.status !== 0) return { total: 0, passed: 0, skipped: 0, failedToRun: true };
  }
  return suite.perFile ? runPerFile(suite) : runWhole(suite);
}

const t0 = Date.now();
const status = await withTrainingPaused(root, async () => {
  let passed = 0, failed = 0, skipped = 0, crashed = false;
  for (const suite of suites) {
    console.log(`\n== ${suite.name} tests (${suite.dir}) ==`);
    const s0 = Date.now();
    const r = await runSuite(suite);
    passed += r.passed;
    skipped += r.skipped;
    failed += r.total - r.passed; // uvu's Total leaves skipped tests out
    if (r.failedToRun) {
      crashed = true;
      failed += r.crashes ?? 1;
      console.error(`The ${suite.name} suite did not run to the end.`);
    }
    console.log(`== ${suite.name}: ${r.passed} passed in ${((Date.now() - s0) / 1000).toFixed(0)} s ==`);
  }
  if (passed + failed === 0) {
    console.error('No test ran.');
    failed = 1;
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  return failed > 0 || crashed ? 1 : 0;
});
process.exit(status);
