// FigureRunController without a DOM: a fake IntersectionObserver reports the
// figure in or out of view, a fake host plays Lit's lifecycle (connect, update).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReactiveController } from 'lit';
import { FigureRunController, type RunPolicy } from '../../components/figure/figure-run-controller';

class FakeObserver {
  static last: FakeObserver | null = null;
  observed: Element[] = [];
  constructor(readonly callback: (entries: { target: Element; isIntersecting: boolean }[]) => void) {
    FakeObserver.last = this;
  }
  observe(el: Element) {
    this.observed.push(el);
  }
  disconnect() {
    this.observed = [];
  }
  report(isIntersecting: boolean) {
    for (const target of this.observed) this.callback([{ target, isIntersecting }]);
  }
}

const real = (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
test.before.each(() => {
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = FakeObserver;
});
test.after.each(() => {
  if (real === undefined) delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
  else (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = real;
});

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function setup(auto: RunPolicy, firstKey: string | null = 'a', staysInView = false) {
  let key = firstKey;
  const runs: string[] = [];
  const stale: string[] = [];
  let controller: ReactiveController | null = null;
  const host = {
    addController: (c: ReactiveController) => void (controller = c),
    removeController() {},
    requestUpdate() {},
    updateComplete: Promise.resolve(true),
  } as unknown as ConstructorParameters<typeof FigureRunController>[0];
  const runsOf = new FigureRunController(host, {
    auto,
    delay: 5,
    staysInView,
    key: () => key,
    run: async (k, current) => {
      runs.push(k);
      await tick(10);
      if (!current()) stale.push(k);
      return k;
    },
  });
  controller!.hostConnected?.();
  controller!.hostUpdated?.();
  return {
    runs,
    stale,
    controller: runsOf,
    setKey(k: string | null) {
      key = k;
      controller!.hostUpdated?.();
    },
    see: (v: boolean) => FakeObserver.last!.report(v),
    disconnect: () => controller!.hostDisconnected?.(),
  };
}

test("'rerun': nothing runs out of view; in view it runs, a new key runs again after the delay, a key dragged through values runs once where it stops", async () => {
  const f = setup('rerun');
  await tick(20);
  assert.equal(f.runs, [], 'out of view');
  f.see(true);
  await tick(30);
  assert.equal(f.runs, ['a']);
  f.setKey('b');
  f.setKey('c');
  f.setKey('d');
  await tick(30);
  assert.equal(f.runs, ['a', 'd'], 'one run where the key stopped');
  f.see(false);
  f.setKey('e');
  await tick(30);
  assert.equal(f.runs, ['a', 'd'], 'out of view again: no run');
  f.see(true);
  await tick(30);
  assert.equal(f.runs, ['a', 'd', 'e'], 'back in view: the current key');
});

test("'once': runs the first time it is seen, then only when asked", async () => {
  const f = setup('once');
  f.see(true);
  await tick(30);
  f.setKey('b');
  f.see(false);
  f.see(true);
  await tick(30);
  assert.equal(f.runs, ['a']);
  await f.controller.ensure();
  assert.equal(f.runs, ['a', 'b']);
});

test("'off': never by itself; ensure runs once a key, retry again, a newer key makes the older run stale", async () => {
  const f = setup('off');
  await tick(30);
  assert.equal(f.runs, [], 'no observer, no run');
  const p1 = f.controller.ensure();
  const p1again = f.controller.ensure();
  assert.is(p1, p1again, 'the same run for the same key');
  assert.is(await p1, 'a');
  f.setKey('b');
  const p2 = f.controller.ensure();
  f.setKey('c');
  await f.controller.ensure();
  await p2;
  assert.equal(f.stale, ['b'], 'b was replaced by c before it finished');
  await f.controller.retry();
  assert.equal(f.runs, ['a', 'b', 'c', 'c']);
  assert.is(f.controller.startedKey, 'c');
});

test('a null key cannot run: ensure resolves at once, and the first key that comes runs when in view', async () => {
  const f = setup('rerun', null);
  f.see(true);
  await tick(30);
  assert.is(await f.controller.ensure(), undefined);
  assert.equal(f.runs, []);
  f.setKey('a');
  await tick(30);
  assert.equal(f.runs, ['a']);
});

test('staysInView: once seen, a new key runs off screen too', async () => {
  const f = setup('rerun', 'a', true);
  f.see(true);
  await tick(30);
  f.see(false);
  f.setKey('b');
  await tick(30);
  assert.equal(f.runs, ['a', 'b']);
  assert.ok(f.controller.visible);
});

test('memo: the same value while the key is the same', () => {
  const f = setup('off');
  let made = 0;
  const a = f.controller.memo('x', 1, () => ({ n: ++made }));
  assert.is(f.controller.memo('x', 1, () => ({ n: ++made })), a);
  assert.is.not(f.controller.memo('x', 2, () => ({ n: ++made })), a);
  assert.is(made, 2);
});

test('disconnected: a scheduled run does not start', async () => {
  const f = setup('rerun');
  f.see(true);
  f.disconnect();
  await tick(30);
  assert.equal(f.runs, []);
});

test.run();
