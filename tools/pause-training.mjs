// Pause a background training run (SIGSTOP) while something CPU-heavy runs,
// and resume it (SIGCONT) afterwards, even when that something throws.
// Each training or evaluation run writes its PID to weights/.work/pids/<pid>
// (weights/train/common.py PidFile; weights/.work/train.pid names the latest).
// A git worktree of the same repository (tests run from a second checkout)
// pauses the run of the main checkout too: it looks there as well.
// Pauses nest: each pauser writes weights/.work/pauses/<its pid> with the runs
// it stopped, and a run is resumed only when no other live pauser holds that run
// (a short suite run beside a long one must not wake the training the long one
// paused; an eval that paused a training run does not hold its own sampling
// process, which a test run beside it stopped and must start again).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The checkouts whose training a run from `root` should pause: `root`, and the main worktree when `root` is another. */
function checkouts(root) {
  const git = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' });
  const common = git.status === 0 ? git.stdout.trim() : '';
  const main = common.endsWith(`${path.sep}.git`) ? path.dirname(common) : null;
  return [...new Set([path.resolve(root), ...(main ? [main] : [])])];
}

/** The live processes of every training or evaluation run of `root`'s checkouts (weights/.work/pids/*, and train.pid). */
export function trainingPids(root) {
  const pids = new Set();
  for (const dir of checkouts(root)) {
    const work = path.join(dir, 'weights', '.work');
    const files = [path.join(work, 'train.pid')];
    if (existsSync(path.join(work, 'pids'))) files.push(...readdirSync(path.join(work, 'pids')).map((f) => path.join(work, 'pids', f)));
    for (const file of files) {
      const pid = livePid(file);
      if (pid !== null) pids.add(pid);
    }
  }
  return [...pids];
}

function livePid(file) {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim()); // a pause file's first line; a PID file's only one
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // stale file: the run has ended
  }
}

/** The files of this process's pause, one in each checkout's weights/.work/pauses/. */
function pauseFiles(root) {
  return checkouts(root).map((dir) => path.join(dir, 'weights', '.work', 'pauses', String(process.pid)));
}

/**
 * Other live processes (a test run, a bench, a script) that hold a pause in `root`'s checkouts; with `run`,
 * only those that hold that run: a pause file's second line lists the runs it stopped (a file without one,
 * written before it did, holds every run).
 */
export function otherPausers(root, run) {
  const others = new Set();
  for (const dir of checkouts(root)) {
    const pauses = path.join(dir, 'weights', '.work', 'pauses');
    if (!existsSync(pauses)) continue;
    for (const f of readdirSync(pauses)) {
      const file = path.join(pauses, f);
      const pid = livePid(file);
      if (pid === null) continue;
      if (run !== undefined && !holdsRun(file, run)) continue;
      others.add(pid);
    }
  }
  return [...others];
}

/** Whether a pause file holds the run: '<pid>\n' (written before pauses listed their runs) holds every run, '<pid>\n<runs>\n' those listed. */
function holdsRun(file, run) {
  let lines;
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return false; // gone meanwhile
  }
  if (lines.length < 3) return true;
  return lines[1].trim().split(/\s+/).filter(Boolean).map(Number).includes(run);
}

export async function withTrainingPaused(root, fn) {
  const pids = trainingPids(root);
  const signal = (name) => {
    for (const pid of pids) {
      try {
        process.kill(pid, name);
      } catch {}
    }
  };
  const files = pauseFiles(root);
  for (const f of files) {
    try {
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, `${process.pid}\n${pids.join(' ')}\n`);
    } catch {} // a checkout we cannot write to still gets its signals
  }
  if (pids.length) {
    signal('SIGSTOP');
    console.log(`(training run ${pids.join(', ')} paused while this runs)`);
  }
  let resumed = false;
  const resume = () => {
    if (resumed) return null;
    resumed = true;
    for (const f of files) rmSync(f, { force: true });
    const holders = new Set();
    for (const pid of pids) {
      const held = otherPausers(root, pid);
      for (const h of held) holders.add(h);
      if (held.length) continue;
      try {
        process.kill(pid, 'SIGCONT');
      } catch {}
    }
    return [...holders];
  };
  process.once('exit', resume);
  try {
    return await fn();
  } finally {
    const holders = resume();
    if (pids.length) console.log(holders?.length ? `(training run ${pids.join(', ')} stays paused: ${holders.join(', ')} still runs)` : `(training run ${pids.join(', ')} resumed)`);
  }
}
