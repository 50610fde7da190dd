// The committed learning curves (weights/logs/<stage>.jsonl, written by
// weights/train/common.py's Log): one JSON object a line. Training rows carry
// step, minutes, loss (the batch's min-SNR-weighted v-loss), grad_norm, lr and
// kind ("images" or "clips"); rows with `eval` are the judge's quick checks and
// carry no loss. Pure functions, no I/O: the chapter gets the text at build time.

export interface LogRow {
  step: number;
  minutes: number;
  loss: number;
  kind: string;
}

/** The training rows of a log's text, in file order; blank, malformed and eval lines are skipped. */
export function parseTrainingLog(text: string): LogRow[] {
  const rows: LogRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    if (!o || typeof o !== 'object') continue;
    const r = o as Record<string, unknown>;
    const { step, minutes, loss } = r;
    if (typeof step !== 'number' || typeof loss !== 'number' || !Number.isFinite(loss) || !Number.isFinite(step)) continue;
    rows.push({ step, minutes: typeof minutes === 'number' ? minutes : NaN, loss, kind: typeof r.kind === 'string' ? r.kind : '' });
  }
  return rows;
}

/**
 * Logs of one run joined in order (a resumed run, a fine-tune that went on from its end): each later log
 * keeps only rows past the previous one's last step, and nothing past `upToStep` (the weights shipped,
 * when the run went on after them).
 */
export function joinLogs(logs: readonly (readonly LogRow[])[], upToStep = Infinity): LogRow[] {
  const out: LogRow[] = [];
  for (const rows of logs) {
    const after = out.length ? out[out.length - 1].step : -Infinity;
    for (const r of rows) if (r.step > after && r.step <= upToStep) out.push(r);
  }
  // a resumed run may log a step twice (a checkpoint's step logged again): keep the later row
  return out.filter((r, i) => i === out.length - 1 || out[i + 1].step !== r.step);
}

/** A running mean over `window` rows (centred; shorter at the ends): each row's batch loss is noisy. */
export function smoothLoss(rows: readonly LogRow[], window = 9): { step: number; loss: number }[] {
  const half = Math.floor(window / 2);
  return rows.map((r, i) => {
    const lo = Math.max(0, i - half), hi = Math.min(rows.length, i + half + 1);
    let s = 0;
    for (let k = lo; k < hi; k++) s += rows[k].loss;
    return { step: r.step, loss: s / (hi - lo) };
  });
}

/** The mean loss of the rows in [fromStep, toStep]. */
export function meanLossBetween(rows: readonly LogRow[], fromStep: number, toStep: number): number {
  const sel = rows.filter((r) => r.step >= fromStep && r.step <= toStep);
  return sel.length ? sel.reduce((s, r) => s + r.loss, 0) / sel.length : NaN;
}
