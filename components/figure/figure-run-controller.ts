// FigureRunController: what every live figure repeats, once. A figure's work
// depends on some state, written as a key (a string); the controller runs the
// figure's job for the current key, at most once a key, and a newer key
// replaces the older run (its `current()` turns false, and the figure's
// <live-cell> aborts the older job). When it runs is a policy:
//
//   'rerun'  run when the figure is in view, and again whenever the key changes
//            while it is (a slider dragged through values starts one run where
//            it stops: `delay` ms after the last change);
//   'once'   run the first time the figure comes into view; later only when asked;
//   'off'    run only when asked: `ensure()` (a button, a test, a "try this").
//
//   class MakeFigure extends LitElement {
//     private runs = new FigureRunController(this, {
//       auto: 'rerun',
//       key: () => (this.models.manifest ? `${this.state.prompt}|${this.state.seed}` : null),  // null: cannot run yet
//       run: (key, current) => this.make(key, current),
//     });
//     ensure() { return this.runs.ensure(); }               // for tests and buttons
//   }
//
// Modelled on Lit's reactive controllers and on Distill's d-figure (a figure
// knows when it is on screen and owns its runs). Without IntersectionObserver
// (Node, an old browser) the figure counts as in view from its first render.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type RunPolicy = 'rerun' | 'once' | 'off';

export interface FigureRunOptions {
  /** When the figure runs by itself (see above). */
  auto: RunPolicy;
  /** The state the figure's result depends on, as text; null while it cannot run (no manifest yet, a model missing). */
  key: () => string | null;
  /** The figure's job for `key`; `current()` is false once a newer key has started (drop the result then). */
  run: (key: string, current: () => boolean) => Promise<unknown>;
  /** Milliseconds between a change of key and the run it starts ('rerun'). */
  delay?: number;
  /** How far outside the viewport the figure already counts as in view (CSS margin syntax). */
  rootMargin?: string;
  /** Once seen, the figure counts as in view for good (it keeps following its key off screen). */
  staysInView?: boolean;
}

export class FigureRunController implements ReactiveController {
  /** The run in flight or done: its key and promise. */
  private started: { key: string; promise: Promise<unknown> } | null = null;
  private runId = 0;
  private inView = false;
  private seen = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private observer: IntersectionObserver | null = null;
  private lastKey: string | null = null;
  private memos = new Map<string, { key: unknown; value: unknown }>();

  constructor(
    private readonly host: ReactiveControllerHost & Element,
    private readonly options: FigureRunOptions,
  ) {
    host.addController(this);
  }

  /** The key of the run started last (done or not), or null. */
  get startedKey(): string | null {
    return this.started?.key ?? null;
  }

  /** Whether the figure is in view now. */
  get visible(): boolean {
    return this.inView;
  }

  /** Runs the figure for the current key unless that run has started: resolves when it is done (or failed, or cannot run). */
  ensure(): Promise<unknown> {
    const key = this.options.key();
    if (key === null) return Promise.resolve(undefined);
    if (this.started?.key === key) return this.started.promise;
    const id = ++this.runId;
    const current = () => this.runId === id;
    const promise = this.host.updateComplete.then(() => this.options.run(key, current));
    this.started = { key, promise };
    return promise;
  }

  /** Runs again for the current key, even when that run has been made (a Retry). */
  retry(): Promise<unknown> {
    this.started = null;
    return this.ensure();
  }

  /** A value made once per key (a picture of a tensor: the same object while its key is the same, so views do not redraw). */
  memo<T>(name: string, key: unknown, make: () => T): T {
    const hit = this.memos.get(name);
    if (hit && hit.key === key) return hit.value as T;
    const value = make();
    this.memos.set(name, { key, value });
    return value;
  }

  hostConnected(): void {
    if (this.options.auto === 'off') return;
    if (typeof globalThis.IntersectionObserver !== 'function') {
      this.inView = true;
      this.schedule(0);
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        const now = entries.some((e) => e.isIntersecting);
        if (now === this.inView || (!now && this.options.staysInView)) return;
        this.inView = now;
        if (now) this.schedule(0);
        this.host.requestUpdate(); // a figure may say that it waits to be seen
      },
      { rootMargin: this.options.rootMargin ?? '25% 0px 25% 0px' },
    );
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = null;
    if (!this.options.staysInView) this.inView = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  hostUpdated(): void {
    // after a change of key (not every render); a figure that runs once does not follow its key
    const key = this.options.key();
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (this.options.auto === 'rerun') this.schedule(this.options.delay ?? 300);
    else if (this.options.auto === 'once' && !this.seen) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.inView || this.options.key() === null) return;
      if (this.options.auto === 'once') {
        if (this.seen) return;
        this.seen = true;
      }
      if (this.started?.key !== this.options.key()) void this.ensure();
    }, ms);
  }
}
