// A Lit reactive controller that knows which of a chapter's cells are in view
// (with an IntersectionObserver), so that a chapter runs a cell's models only
// once the reader scrolls to it. It watches the elements the host names, from
// the host's first render on; it disconnects when the host does, and watches
// the same elements again when the host is connected again.
//
//   private inView = new VisibleCellsController<CellId>(this, {
//     cells: () => CELLS.map((id) => this.cell(id)),   // looked up after the first render; each known by its id
//     rootMargin: '200px 0px',                          // how far outside the viewport a cell already counts
//     leaving: 'stay',                                  // 'stay': once seen, always seen; 'unmark': leaving the view un-marks it
//     onChange: () => this.autoStart(),                 // after every report of the observer
//   });
//   this.inView.has('sampler')
//
// Without IntersectionObserver (an old browser, Node) every cell counts as
// visible from the first render on, and `onChange` is called once then.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface VisibleCellsOptions<Id extends string> {
  /** The elements to watch, looked up after the host's first render (and after a reconnect); an element's id is the cell's id. Missing ones are skipped. */
  cells: () => Iterable<Element | null | undefined>;
  /** The observer's rootMargin (CSS margin syntax; percentages are of the viewport). */
  rootMargin: string;
  /** 'stay': a cell seen once stays in the set; 'unmark': a cell that leaves the view leaves the set. */
  leaving: 'stay' | 'unmark';
  /** With 'stay': stop watching a cell once it is seen (and the observer once every cell is); later reports about it are not made. */
  once?: boolean;
  /** Called after each report of the observer, whether or not the set changed (`changed` says), and once in the fallback (after the first render, and after a reconnect). */
  onChange: (visible: ReadonlySet<Id>, changed: boolean) => void;
}

export class VisibleCellsController<Id extends string = string> implements ReactiveController {
  private readonly seen = new Set<Id>();
  private observer: IntersectionObserver | null = null;
  /** Whether the host has rendered: cells exist to be watched. */
  private rendered = false;
  /** Whether the host is connected now. */
  private connected = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly options: VisibleCellsOptions<Id>,
  ) {
    host.addController(this);
  }

  /** The cells in view (or seen once, with leaving: 'stay'). */
  get visible(): ReadonlySet<Id> {
    return this.seen;
  }

  has(id: Id): boolean {
    return this.seen.has(id);
  }

  hostConnected(): void {
    this.connected = true;
    // connected again after a disconnect: the rendered cells are still there, watch them again
    if (this.rendered) this.watch();
  }

  hostUpdated(): void {
    if (this.rendered) return;
    this.rendered = true;
    if (this.connected) this.watch();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.stop();
  }

  private watch(): void {
    this.stop();
    const { leaving } = this.options;
    const once = !!this.options.once && leaving === 'stay';
    // with `once`, a cell seen before a reconnect needs no watching
    const cells = [...this.options.cells()].filter((c): c is Element => !!c && !(once && this.seen.has(c.id as Id)));
    if (typeof globalThis.IntersectionObserver !== 'function') {
      const before = this.seen.size;
      for (const c of cells) this.seen.add(c.id as Id);
      this.options.onChange(this.seen, this.seen.size !== before);
      return;
    }
    if (!cells.length) return;
    const observer = new IntersectionObserver(
      (entries) => {
        let changed = false;
        for (const e of entries) {
          const id = e.target.id as Id;
          if (e.isIntersecting) {
            if (!this.seen.has(id)) changed = true;
            this.seen.add(id);
            if (once) observer.unobserve(e.target);
          } else if (leaving === 'unmark' && this.seen.delete(id)) changed = true;
        }
        if (once && cells.every((c) => this.seen.has(c.id as Id))) this.stop();
        this.options.onChange(this.seen, changed);
      },
      { rootMargin: this.options.rootMargin },
    );
    this.observer = observer;
    for (const c of cells) observer.observe(c);
  }

  private stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }
}
