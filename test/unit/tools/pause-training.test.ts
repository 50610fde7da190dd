// tools/pause-training.mjs: a test run or bench stops the background training
// runs it finds (weights/.work/pids/*) and starts them again afterwards, unless
// another pauser (weights/.work/pauses/<pid>) still holds them. Checked with a
// `sleep` standing in for a training run, its state read from /proc.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { otherPausers, trainingPids, withTrainingPaused } from '../../../tools/pause-training.mjs';

/** R, S, T…: the process's state, from /proc/<pid>/stat. */
const stateOf = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0];
/** Whether the process is stopped, once a signal sent to it has landed (delivery is not instant). */
async function stopped(pid: number, expect: boolean): Promise<boolean> {
  for (let i = 0; i < 100 && (stateOf(pid) === 'T') !== expect; i++) await new Promise((r) => setTimeout(r, 10));
  return stateOf(pid) === 'T';
}

let dir: string;
let runs: ChildProcess[] = [];

const run = (): number => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  runs.push(child);
  return child.pid!;
};

test.before.each(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pause-'));
  mkdirSync(path.join(dir, 'weights', '.work', 'pids'), { recursive: true });
  runs = [];
});

test.after.each(() => {
  for (const c of runs) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('a training run is stopped while the work runs and goes on after it, even when the work throws', async () => {
  const pid = run();
  writeFileSync(path.join(dir, 'weights', '.work', 'pids', String(pid)), `${pid}\n`);
  writeFileSync(path.join(dir, 'weights', '.work', 'pids', '999999999'), '999999999\n'); // a run that has ended
  assert.equal(trainingPids(dir), [pid]);
  await withTrainingPaused(dir, async () => assert.ok(await stopped(pid, true), 'stopped during'));
  assert.not.ok(await stopped(pid, false), 'running after');
  await withTrainingPaused(dir, async () => {
    throw new Error('a failing suite');
  }).catch(() => {});
  assert.not.ok(await stopped(pid, false), 'running after a throw');
});

test('pauses nest: a run stays stopped while another live pauser holds it', async () => {
  const pid = run();
  const holder = run(); // stands in for a longer test run that paused it first
  writeFileSync(path.join(dir, 'weights', '.work', 'pids', String(pid)), `${pid}\n`);
  mkdirSync(path.join(dir, 'weights', '.work', 'pauses'), { recursive: true });
  writeFileSync(path.join(dir, 'weights', '.work', 'pauses', String(holder)), `${holder}\n`);
  writeFileSync(path.join(dir, 'weights', '.work', 'pauses', '999999999'), '999999999\n'); // a pauser that died
  process.kill(pid, 'SIGSTOP');
  assert.ok(await stopped(pid, true));
  await withTrainingPaused(dir, async () => {
    assert.equal(otherPausers(dir), [holder], 'others than this process');
    assert.is(readFileSync(path.join(dir, 'weights', '.work', 'pauses', String(process.pid)), 'utf8'), `${process.pid}\n${pid}\n`, 'its own pause is written, with the run it stopped');
  });
  await new Promise((r) => setTimeout(r, 100)); // time for a SIGCONT, had one been sent
  assert.ok(await stopped(pid, true), 'still stopped: the holder runs on');
  assert.equal(otherPausers(dir), [holder], 'the holder stays');
  assert.throws(() => readFileSync(path.join(dir, 'weights', '.work', 'pauses', String(process.pid))), /ENOENT/, 'this pause is gone');
  rmSync(path.join(dir, 'weights', '.work', 'pauses', String(holder)));
  await withTrainingPaused(dir, async () => {});
  assert.not.ok(await stopped(pid, false), 'resumed by the last pauser');
});

test('a pauser holds only the runs it stopped: a run that started after it is started again by whoever stopped it', async () => {
  // an eval (the holder) paused the training run `old` and then started its own sampling process `late`;
  // a test run beside it stops both, and on finishing must start `late` again but leave `old` to the eval
  const old = run();
  const late = run();
  const holder = run();
  for (const p of [old, late]) writeFileSync(path.join(dir, 'weights', '.work', 'pids', String(p)), `${p}\n`);
  mkdirSync(path.join(dir, 'weights', '.work', 'pauses'), { recursive: true });
  writeFileSync(path.join(dir, 'weights', '.work', 'pauses', String(holder)), `${holder}\n${old}\n`);
  process.kill(old, 'SIGSTOP');
  assert.ok(await stopped(old, true));
  await withTrainingPaused(dir, async () => {
    assert.ok(await stopped(late, true), 'the late run is stopped during the test run');
    assert.equal(otherPausers(dir, late), [], 'nobody else holds the late run');
    assert.equal(otherPausers(dir, old), [holder], 'the eval holds the old one');
  });
  assert.not.ok(await stopped(late, false), 'the late run goes on');
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(await stopped(old, true), 'the old run stays stopped: the eval still holds it');
  // a pause file written before pauses listed their runs holds every run
  writeFileSync(path.join(dir, 'weights', '.work', 'pauses', String(holder)), `${holder}\n`);
  assert.equal(otherPausers(dir, late), [holder]);
});

test.run();
