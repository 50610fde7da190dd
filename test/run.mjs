#!/usr/bin/env node
// Runs every test suite with uvu and ends with one line "N passed, N failed".
// It fails when a suite fails, and when no test ran at all.
// Suites: test/unit (Node) and, when present, test/browser (Chromium against the
// production build; see test/browser/README.md). A training run that wrote
// weights/.work/train.pid is paused (SIGSTOP) while tests run and resumed after.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { withTrainingPaused } from '../tools/pause-training.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `npm test -- unit` runs one suite; any other word narrows the files, e.g.
// `npm test -- browser chapter-2` runs test/browser/chapter-2.test.ts alone.
const args = process.argv.slice(2);
const only = args.filter((a) => a === 'unit' || a === 'browser');
const files = args.filter((a) => !only.includes(a));
const pattern = files.length ? `(${files.map((f) => f.replace(/[^\w/-]/g, '')).join('|')})[^/]*\\.test\\.(ts|mjs)$` : '\\.test\\.(ts|mjs)$';
const uvuBin = path.join(root, 'node_modules', 'uvu', 'bin.js');

const suites = [
  { name: 'unit', dir: 'test/unit' },
  { name: 'browser', dir: 'test/browser', setup: 'test/browser/setup.mjs' },
].filter((s) => existsSync(path.join(root, s.dir)) && (only.length === 0 || only.includes(s.name)));

function runSuite(suite) {
  if (suite.setup && existsSync(path.join(root, suite.setup))) {
    const setup = spawnSync(process.execPath, [suite.setup], { cwd: root, stdio: 'inherit' });
    if (setup.status !== 0) return { total: 0, passed: 0, skipped: 0, failedToRun: true };
  }
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', uvuBin, suite.dir, pattern, '--no-color'],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, FORCE_COLOR: '0' } },
  );
  process.stdout.write(res.stdout ?? '');
  process.stderr.write(res.stderr ?? '');
  const num = (label) => Number((res.stdout ?? '').match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? 0);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  // uvu exits 1 on a failure; a crash before the summary leaves no totals.
  return { total, passed, skipped, failedToRun: res.status !== 0 && total === passed };
}

const status = await withTrainingPaused(root, async () => {
  let passed = 0, failed = 0, skipped = 0, crashed = false;
  for (const suite of suites) {
    console.log(`\n== ${suite.name} tests (${suite.dir}) ==`);
    const r = runSuite(suite);
    passed += r.passed;
    skipped += r.skipped;
    failed += r.total - r.passed; // uvu's Total leaves skipped tests out
    if (r.failedToRun) {
      crashed = true;
      failed += 1;
      console.error(`The ${suite.name} suite did not run to the end.`);
    }
  }
  if (passed + failed === 0) {
    console.error('No test ran.');
    failed = 1;
  }
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || crashed ? 1 : 0;
});
process.exit(status);
