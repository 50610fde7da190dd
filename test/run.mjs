#!/usr/bin/env node
// Runs every test suite with uvu and ends with one line "N passed, N failed".
// It fails when a suite fails, and when no test ran at all.
// Suites: test/unit (Node, one process) and, when present, test/browser
// (Chromium against the production build; see test/browser/README.md): the
// build is made once, then each browser file runs in a process of its own. The
// unit suite and the browser files are jobs of one queue, at most two at once
// (`--jobs 1` runs them one after another): longest first, a job that times the
// page only beside one that runs no model in a page (COST below), the browser
// files once the build is made; each job's output is printed whole when it
// ends, with its time and the CPU its processes (Chromium's too) used.
// A training or evaluation run listed in weights/.work/pids/ is paused
// (SIGSTOP) while tests run and resumed after.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/**
 * What each job is like. `s`: seconds it took alone on an idle machine (clean-clone run, 2026-12-07), only to
 * start the longest first. `light`: it runs no model in a page (the unit suite runs models in Node, one
 * thread). `quiet`: it measures how fast the page answers (a main-thread task, a key, a slider move), so it
 * runs only beside a light job. Two jobs that run models in pages may run together. A job missing here counts
 * as 60 s, not light, not quiet.
 */
const COST = {
  unit: { s: 100, light: true },
  'sliders.test.ts': { s: 300 },
  'reliability.test.ts': { s: 185, quiet: true },
  'presenter-fit.test.ts': { s: 170 },
  'chapter-7.test.ts': { s: 145 },
  'chapter-2.test.ts': { s: 115 },
  'chapter-4.test.ts': { s: 105 },
  'chapter-6.test.ts': { s: 65 },
  'chapter-guidance.test.ts': { s: 45 },
  'runtime.test.ts': { s: 100, quiet: true },
  'chapter-5.test.ts': { s: 90 },
  'chapter-0-learning.test.ts': { s: 85, light: true },
  'first-screen.test.ts': { s: 60, quiet: true },
  'chapter-3.test.ts': { s: 55 },
  'shell.test.ts': { s: 45, light: true },
  'offline.test.ts': { s: 45 },
  'chapter-1.test.ts': { s: 35, light: true },
  'chapter-training.test.ts': { s: 35 },
  'chapter-0.test.ts': { s: 30, light: true },
  'chapter-0-flow.test.ts': { s: 27, light: true },
  'access.test.ts': { s: 22, light: true },
  'presenter.test.ts': { s: 20, light: true },
  'components.test.ts': { s: 16, light: true },
  'ort.test.ts': { s: 11, light: true },
};
const costOf = (name) => ({ s: 60, light: false, quiet: false, ...COST[name] });

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

/** Each process's parent and CPU seconds so far (user + system), read from /proc; empty where /proc is not Linux's. */
function processTable() {
  const table = new Map();
  let pids = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return table;
  }
  const tick = 100; // USER_HZ on Linux
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
      table.set(Number(pid), { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / tick });
    } catch {
      // the process ended meanwhile
    }
  }
  return table;
}

/**
 * The CPU seconds a process and everything it started use (Chromium's processes included), read every
 * second from /proc: the most each process was seen to have used, summed (a process's last second before it
 * ends can be missed). `stop()` gives the total.
 */
function watchTreeCpu(rootPid) {
  const seen = new Map();
  const sample = () => {
    const table = processTable();
    const inTree = new Set([rootPid]);
    // parents before children is not guaranteed: repeat until nothing new joins
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of table) if (!inTree.has(pid) && inTree.has(p.ppid)) (inTree.add(pid), (grew = true));
    }
    for (const pid of inTree) if (table.has(pid)) seen.set(pid, Math.max(seen.get(pid) ?? 0, table.get(pid).cpu));
  };
  const timer = setInterval(sample, 1000);
  return {
    sample,
    stop() {
      clearInterval(timer);
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
  };
}

/** Runs uvu over `dir` for the files matching `filePattern` in a process of its own; resolves with its output, status, seconds and CPU seconds. */
function runUvu(dir, filePattern) {
  const argv = ['--import', 'tsx', uvuBin, dir, filePattern, '--no-color'];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const cpu = watchTreeCpu(child.pid);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // the last sample before the process ends: its own CPU (its children have ended)
    child.stdout.on('end', () => cpu.sample());
    child.on('close', (status) => resolve({ out, err, status, seconds: Math.round((Date.now() - t0) / 1000), cpu: Math.round(cpu.stop()) }));
  });
}

/** One job: a whole suite in one process (unit) or one browser file; its output is printed whole when it ends. */
async function runJob(job) {
  const r = await runUvu(job.suite.dir, job.file ? `(^|/)${job.file.replace(/[.]/g, '\\.')}$` : pattern);
  const sum = summary(r.out, r.status);
  process.stdout.write(`\n-- ${job.suite.dir}${job.file ? `/${job.file}` : ''} --\n${r.out}`);
  process.stderr.write(r.err);
  console.log(`-- ${job.name}: ${sum.passed} passed, ${sum.total - sum.passed}${sum.failedToRun ? ' (did not run to the end)' : ''} failed, in ${r.seconds} s (CPU ${r.cpu} s)`);
  return { ...sum, job, seconds: r.seconds, cpu: r.cpu };
}

/**
 * Whether `job` may start beside the jobs running now: a quiet job only beside light ones, and beside a quiet
 * job only light ones.
 */
const fitsBeside = (job, running) => [...running].every((r) => (job.cost.quiet ? r.cost.light : true) && (r.cost.quiet ? job.cost.light : true));

/**
 * Runs the jobs at most `jobs` at once. Whenever a place frees, the job to start is, of those that may
 * start (a browser job once the browser suite's setup is done), a quiet one if one fits, else the longest.
 */
async function runPool(list, { browserReady }) {
  const waiting = [...list].sort((a, b) => b.cost.s - a.cost.s);
  const running = new Set();
  const results = [];
  let ready = !browserReady;
  const startable = (j) => (j.suite.name !== 'browser' || ready) && fitsBeside(j, running);
  await new Promise((done) => {
    const fill = () => {
      if (!waiting.length && !running.size) return done();
      while (running.size < jobs) {
        const quiet = waiting.findIndex((j) => j.cost.quiet && startable(j));
        const at = quiet >= 0 ? quiet : waiting.findIndex(startable);
        if (at < 0) break;
        const job = waiting.splice(at, 1)[0];
        running.add(job);
        runJob(job).then((r) => {
          running.delete(job);
          results.push(r);
          fill();
        });
      }
    };
    if (browserReady) {
      browserReady.then((ok) => {
        if (!ok) {
          // the setup failed: its files cannot run
          for (const j of waiting.filter((w) => w.suite.name === 'browser')) results.push({ total: 0, passed: 0, skipped: 0, failedToRun: true, job: j, seconds: 0, cpu: 0 });
          waiting.splice(0, waiting.length, ...waiting.filter((w) => w.suite.name !== 'browser'));
        }
        ready = true;
        fill();
      });
    }
    fill();
  });
  return results;
}

/** The browser suite's setup (the production build and the test pages), while other jobs may run; resolves true when it succeeded. */
function setUp(suite) {
  if (!suite.setup || !existsSync(path.join(root, suite.setup))) return Promise.resolve(true);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [suite.setup], { cwd: root, stdio: 'inherit' });
    child.on('close', (status) => resolve(status === 0));
  });
}

/** The jobs of the suites: the unit suite whole, each browser file on its own. */
function jobsOf(suite) {
  if (!suite.perFile) return [{ suite, name: suite.name, cost: costOf(suite.name) }];
  const re = new RegExp(pattern);
  return readdirSync(path.join(root, suite.dir))
    .filter((f) => re.test(f))
    .sort()
    .map((file) => ({ suite, file, name: file, cost: costOf(file) }));
}

const t0 = Date.now();
const status = await withTrainingPaused(root, async () => {
  const browser = suites.find((s) => s.name === 'browser');
  if (browser) ensureChromium();
  console.log(`\n== ${suites.map((s) => `${s.name} tests (${s.dir})`).join(' and ')}, ${jobs} at most at once ==`);
  const browserReady = browser ? setUp(browser) : null;
  const results = await runPool(suites.flatMap(jobsOf), { browserReady });
  let passed = 0, failed = 0, skipped = 0;
  const crashed = [];
  for (const r of results) {
    passed += r.passed;
    skipped += r.skipped;
    failed += r.total - r.passed; // uvu's Total leaves skipped tests out
    if (r.failedToRun) {
      crashed.push(r.job.name);
      failed += 1;
    }
  }
  if (crashed.length) console.error(`did not run to the end: ${crashed.join(', ')}`);
  for (const suite of suites) {
    const mine = results.filter((r) => r.job.suite === suite);
    const slow = [...mine].sort((a, b) => b.seconds - a.seconds).map((r) => `${r.job.name.replace('.test.ts', '')} ${r.seconds} s (CPU ${r.cpu})`);
    console.log(`${suite.name}: ${mine.reduce((s, r) => s + r.passed, 0)} passed; by time: ${slow.join(', ')}`);
  }
  if (passed + failed === 0) {
    console.error('No test ran.');
    failed = 1;
  }
  const cpu = results.reduce((s, r) => s + r.cpu, 0);
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (${((Date.now() - t0) / 1000).toFixed(0)} s; the jobs' CPU ${cpu} s)`);
  return failed > 0 || crashed.length ? 1 : 0;
});
process.exit(status);
