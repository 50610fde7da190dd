// Pause a background training run (SIGSTOP) while something CPU-heavy runs,
// and resume it (SIGCONT) afterwards, even when that something throws.
// Training writes its PID to weights/.work/train.pid (see weights/README.md).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function trainingPid(root) {
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
