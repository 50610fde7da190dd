// VisibleCellsController without a DOM: a fake IntersectionObserver on globalThis
// records what is observed and lets a test report entries as the browser would.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReactiveController } from 'lit';
import { VisibleCellsController, type VisibleCellsOptions } from '../../components/controllers/visible-cells-controller';

class FakeObserver {
  static all: FakeObserver[] = [];
  observed = new Set<Element>();
  disconnected = false;
  constructor(
    readonly callback: (entries: { target: Element; isIntersecting: boolean }[]) => void,
    readonly init: { rootMargin?: string },
  ) {
    FakeObserver.all.push(this);
  }
  observe(el: Element) {
    this.observed.add(el);
  }
  unobserve(el: Element) {
    this.observed.delete(el);
  }
  disconnect() {
    this.disconnected = true;
    this.observed.clear();
  }
  /** Reports as the browser does: only about elements still observed. */
  report(changes: [Element, boolean][]) {
    const entries = changes.filter(([el]) => this.observed.has(el)).map(([target, isIntersecting]) => ({ target, isIntersecting }));
    if (entries.length) this.callback(entries);
  }
}

const real = (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
function withFake() {
  FakeObserver.all = [];
  (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = FakeObserver;
}
function withoutObserver() {
  delete (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver;
}
test.after.each(() => {
  if (real === undefined) withoutObserver();
  else (globalThis as { IntersectionObserver?: unknown }).IntersectionObserver = real;
});

type Id = 'a' | 'b' | 'c';
const el = (id: string) => ({ id }) as unknown as Element;

/** A host as Lit drives it: connect, then render (hostUpdated), then maybe disconnect and connect again. */
function setup(options: Omit<VisibleCellsOptions<Id>, 'onChange' | 'cells'> & { cells?: (Element | null)[] }) {
  const cells = options.cells ?? [el('a'), el('b'), el('c')];
  const calls: { visible: string[]; changed: boolean }[] = [];
  let controller: ReactiveController | null = null;
  const host = {
    addController(c: ReactiveController) {
      controller = c;
    },
    removeController() {},
    requestUpdate() {},
    updateComplete: Promise.resolve(true),
  };
  let looked = 0;
  const v = new VisibleCellsController<Id>(host, {
    ...options,
    cells: () => {
      looked++;
      return cells;
    },
    onChange: (visible, changed) => calls.push({ visible: [...visible].sort(), changed }),
  });
  assert.is(controller, v, 'the controller adds itself to its host');
  return {
    v,
    cells,
    calls,
    looked: () => looked,
    connect: () => v.hostConnected(),
    render: () => v.hostUpdated(),
    disconnect: () => v.hostDisconnected(),
    observer: () => FakeObserver.all[FakeObserver.all.length - 1],
  };
}

test("'stay': cells are watched from the first render, with the rootMargin; once seen, a cell stays", () => {
  withFake();
  const h = setup({ rootMargin: '200px 0px', leaving: 'stay' });
  h.connect();
  assert.is(FakeObserver.all.length, 0, 'nothing is watched before the first render');
  assert.is(h.looked(), 0);
  h.render();
  assert.is(FakeObserver.all.length, 1);
  assert.is(h.observer().init.rootMargin, '200px 0px');
  assert.equal([...h.observer().observed].map((e) => e.id), ['a', 'b', 'c']);
  h.render();
  assert.is(FakeObserver.all.length, 1, 'later renders do not watch again');
  assert.is(h.looked(), 1);

  const [a, b] = h.cells as Element[];
  h.observer().report([[a, false], [b, false]]);
  assert.equal(h.calls, [{ visible: [], changed: false }], 'every report calls back, changed or not');
  h.observer().report([[a, true]]);
  assert.ok(h.v.has('a'));
  assert.not.ok(h.v.has('b'));
  h.observer().report([[a, false], [b, true]]);
  assert.ok(h.v.has('a'), "with 'stay' leaving the view does not un-mark");
  assert.equal([...h.v.visible].sort(), ['a', 'b']);
  h.observer().report([[a, true]]);
  assert.equal(
    h.calls.map((c) => c.changed),
    [false, true, true, false],
  );
  assert.is(h.observer().observed.size, 3, 'without once, seen cells are still watched');
});

test("'unmark': a cell that leaves the view leaves the set", () => {
  withFake();
  const h = setup({ rootMargin: '25% 0px 25% 0px', leaving: 'unmark' });
  h.connect();
  h.render();
  assert.is(h.observer().init.rootMargin, '25% 0px 25% 0px');
  const [a, b] = h.cells as Element[];
  h.observer().report([[a, true], [b, true]]);
  assert.equal([...h.v.visible].sort(), ['a', 'b']);
  h.observer().report([[a, false]]);
  assert.not.ok(h.v.has('a'));
  assert.ok(h.v.has('b'));
  h.observer().report([[a, false]]);
  assert.equal(
    h.calls.map((c) => [c.visible.join(''), c.changed]),
    [
      ['ab', true],
      ['b', true],
      ['b', false],
    ],
  );
});

test('disconnect stops watching; a reconnect watches the same cells again, the set kept', () => {
  withFake();
  const h = setup({ rootMargin: '0px', leaving: 'unmark' });
  h.connect();
  h.render();
  const first = h.observer();
  const [a] = h.cells as Element[];
  first.report([[a, true]]);
  h.disconnect();
  assert.ok(first.disconnected);
  assert.ok(h.v.has('a'), 'the set is kept while disconnected');
  h.connect();
  assert.is(FakeObserver.all.length, 2, 'a new observer on reconnect');
  const second = h.observer();
  assert.is.not(second, first);
  assert.equal([...second.observed].map((e) => e.id), ['a', 'b', 'c']);
  second.report([[a, false]]);
  assert.not.ok(h.v.has('a'), 'reports reach the set again');
  h.disconnect();
  h.disconnect();
  assert.ok(second.disconnected);
});

test('a cell the host cannot find is skipped', () => {
  withFake();
  const h = setup({ rootMargin: '0px', leaving: 'stay', cells: [el('a'), null, el('c')] });
  h.connect();
  h.render();
  assert.equal([...h.observer().observed].map((e) => e.id), ['a', 'c']);
});

test("'once': a seen cell is no longer watched; the observer stops when all are seen, and a reconnect skips them", () => {
  withFake();
  const h = setup({ rootMargin: '200px', leaving: 'stay', once: true, cells: [el('a'), el('b')] });
  h.connect();
  h.render();
  const first = h.observer();
  const [a, b] = h.cells as Element[];
  first.report([[a, false], [b, false]]);
  assert.is(first.observed.size, 2);
  first.report([[a, true]]);
  assert.equal([...first.observed].map((e) => e.id), ['b']);
  assert.not.ok(first.disconnected);
  h.disconnect();
  h.connect();
  const second = h.observer();
  assert.equal([...second.observed].map((e) => e.id), ['b'], 'only the cell not yet seen');
  second.report([[b, true]]);
  assert.ok(second.disconnected, 'nothing left to watch');
  assert.equal(h.calls.map((c) => c.changed), [false, true, true]);
  h.disconnect();
  h.connect();
  assert.is(FakeObserver.all.length, 2, 'every cell seen: no observer made');
});

test('without IntersectionObserver every cell counts as visible from the first render, with one call', () => {
  withoutObserver();
  const h = setup({ rootMargin: '200px 0px', leaving: 'unmark', cells: [el('a'), null, el('c')] });
  h.connect();
  assert.is(h.calls.length, 0);
  h.render();
  assert.equal(h.calls, [{ visible: ['a', 'c'], changed: true }]);
  assert.ok(h.v.has('a') && h.v.has('c'));
  assert.not.ok(h.v.has('b'));
  h.render();
  assert.is(h.calls.length, 1);
  h.disconnect();
  h.connect();
  assert.equal(h.calls[1], { visible: ['a', 'c'], changed: false });
});

test.run();
