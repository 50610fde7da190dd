// Pause a background training run (SIGSTOP) while something CPU-heavy runs,
// and resume it (SIGCONT) afterwards, even when that something throws.
// Training writes its PID to weights/.work/train.pid (see weights/README.md).
// A git worktree of the same repository (tests run from a second checkout)
// pauses the run of the main checkout too: it looks there as well.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The checkouts whose training a run from `root` should pause: `root`, and the main worktree when `root` is another. */
function checkouts(root) {
  const git = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' });
  const common = git.status === 0 ? git.stdout.trim() : '';
  const main = common.endsWith(`${path.sep}.git`) ? path.dirname(common) : null;
  return [...new Set([path.resolve(root), ...(main ? [main] : [])])];
}

export function trainingPid(root) {
  for (const dir of checkouts(root)) {
    const pid = pidIn(dir);
    if (pid !== null) return pid;
  }
  return null;
}

function pidIn(root) {
  const file = path.join(root, 'weights', '.work', 'train.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null; // stale file: the run has ended
  }
}

export async function withTrainingPaused(root, fn) {
  const pid = trainingPid(root);
  if (pid !== null) {
    process.kill(pid, 'SIGSTOP');
    console.log(`(training run ${pid} paused while this runs)`);
  }
  const resume = () => {
    if (pid === null) return;
    try {
      process.kill(pid, 'SIGCONT');
    } catch {}
  };
  process.once('exit', resume);
  try {
    return await fn();
  } finally {
    resume();
    if (pid !== null) console.log(`(training run ${pid} resumed)`);
  }
}
