// RunQueue: a chapter's self-starting figures one at a time, in reading order.
// Figures here are flags: `busy` is whatever a figure's run sets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RunQueue } from '../../components/figure/run-queue';

function figures(ids: string[]) {
  const busy: Record<string, boolean> = Object.fromEntries(ids.map((id) => [id, false]));
  const started: string[] = [];
  const queue = new RunQueue(ids);
  const leave = Object.fromEntries(ids.map((id) => [id, queue.join(id, () => busy[id])]));
  /** A figure's run: busy at once (before its first await), idle when `finish(id)` is called. */
  const start = (id: string) => () => {
    started.push(id);
    busy[id] = true;
    return id;
  };
  const finish = (id: string) => {
    busy[id] = false;
    queue.changed();
  };
  return { queue, busy, started, start, finish, leave };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('a free queue starts at once, synchronously, and resolves to what the start returns', async () => {
  const f = figures(['a', 'b']);
  const p = f.queue.turn('a', f.start('a'));
  assert.equal(f.started, ['a'], 'started before turn returned');
  assert.is(await p, 'a');
  assert.ok(f.queue.running);
});

test('while one figure is busy the others wait; when it is idle the first waiting in reading order goes, then the next', async () => {
  const f = figures(['sampler', 'error', 'seeds']);
  f.busy.sampler = true; // the lead, started by itself (or a button): not through the queue
  f.queue.changed();
  const seeds = f.queue.turn('seeds', f.start('seeds')); // seen first (a link further down)
  const error = f.queue.turn('error', f.start('error'));
  await tick();
  assert.equal(f.started, []);
  assert.ok(f.queue.waits('seeds') && f.queue.waits('error'));
  f.finish('sampler');
  assert.equal(f.started, ['error'], 'reading order, not the order of asking');
  f.queue.changed(); // a render of any figure changes nothing while error runs
  assert.equal(f.started, ['error']);
  f.finish('error');
  assert.equal(f.started, ['error', 'seeds']);
  assert.equal([await error, await seeds], ['error', 'seeds']);
});

test('a start that does not make its figure busy (it cannot run) lets the next one go at once', async () => {
  const f = figures(['a', 'b', 'c']);
  f.busy.a = true;
  f.queue.changed();
  const b = f.queue.turn('b', () => 'nothing to do');
  const c = f.queue.turn('c', f.start('c'));
  f.finish('a');
  assert.equal(f.started, ['c']);
  assert.equal([await b, await c], ['nothing to do', 'c']);
});

test('asking again while waiting replaces the earlier start; leaving the queue drops a waiting start', async () => {
  const f = figures(['a', 'b', 'c']);
  f.busy.a = true;
  f.queue.changed();
  const first = f.queue.turn('b', () => 'first');
  const second = f.queue.turn('b', () => 'second');
  const c = f.queue.turn('c', f.start('c'));
  assert.is(await first, undefined);
  f.leave.c();
  assert.is(await c, undefined);
  f.finish('a');
  assert.is(await second, 'second');
  assert.equal(f.started, []);
  assert.not.ok(f.queue.waits('c'));
});

test('a busy figure that leaves frees the queue; a start that throws rejects its turn and the next goes', async () => {
  const f = figures(['a', 'b', 'c']);
  f.busy.a = true;
  f.queue.changed();
  const b = f.queue.turn('b', () => {
    throw new Error('no cell');
  });
  const c = f.queue.turn('c', f.start('c'));
  f.leave.a();
  await b.then(
    () => assert.unreachable('b should reject'),
    (e: Error) => assert.is(e.message, 'no cell'),
  );
  assert.is(await c, 'c');
});

test.run();
