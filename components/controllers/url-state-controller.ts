// A Lit reactive controller that keeps a chapter's state in the URL (with the
// typed schemas of pipeline/url-state.ts): read and repaired when the chapter
// connects, written back (debounced, with history.replaceState, keeping the
// other chapters' parameters and the #fragment) whenever it changes.
//
//   private url = new UrlStateController(this, schema, 'c1');
//   this.url.state.t                 // typed, validated
//   this.url.set({ t: 500 })         // repaired like a URL value, host re-renders, URL follows
//   this.url.problems                // what was repaired, in words, for a <state-notice>
//
// A <live-cell> inside the host asks for a reset with a `cell-reset` event: the
// controller sets the cell's parameters (or, when the cell names none, all of
// the chapter's) back to their defaults. A figure element inside the host asks
// for part of the state with a `figure-state` event (components/figure/figure-state.ts).
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { defaults, readState, validateState, writeState, type Problem, type Schema, type StateOf } from '../../pipeline/url-state';
import type { CellResetDetail } from '../shell/live-cell';
import { replaceQuery } from '../shell/location';

/** What a figure sends with `figure-state` (see components/figure/figure-state.ts). */
export interface FigureStateDetail {
  partial: Record<string, unknown>;
  /** Set by the controller that applied it. */
  handled: boolean;
}

export class UrlStateController<S extends Schema> implements ReactiveController {
  state: StateOf<S>;
  /** Repairs made when reading the URL, or applying a state in code; reset by `clearProblems`. */
  problems: Problem[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    readonly schema: S,
    readonly prefix: string,
    /** Milliseconds between the last change and the URL's update. */
    private readonly delay = 250,
  ) {
    this.state = validateState(schema, {}).state;
    host.addController(this);
    if (typeof (host as unknown as EventTarget).addEventListener === 'function') {
      (host as unknown as EventTarget).addEventListener('cell-reset', (e) => this.onCellReset(e as CustomEvent<CellResetDetail>));
      (host as unknown as EventTarget).addEventListener('figure-state', (e) => this.onFigureState(e as CustomEvent<FigureStateDetail>));
    }
  }

  private readonly onPageHide = () => this.flush();

  hostConnected(): void {
    const { state, problems } = readState(this.schema, new URLSearchParams(location.search), { prefix: this.prefix });
    this.state = state;
    this.problems = problems;
    // a change still waiting for its URL write is not lost when the reader reloads or leaves at once
    window.addEventListener('pagehide', this.onPageHide);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    this.flush();
  }

  /** Applies part of a state: each value repaired as a URL value would be (and said in `problems`). */
  set(partial: Partial<StateOf<S>>): StateOf<S> {
    const { state, problems } = validateState(this.schema, { ...this.state, ...partial } as Partial<Record<keyof S, unknown>>);
    this.state = state;
    if (problems.length) this.problems = [...this.problems, ...problems];
    this.host.requestUpdate();
    this.schedule();
    return state;
  }

  clearProblems(): void {
    if (this.problems.length) {
      this.problems = [];
      this.host.requestUpdate();
    }
  }

  private cachedMessages: { from: Problem[]; messages: string[] } = { from: [], messages: [] };

  /** The problems as sentences (the same array until the problems change, so a notice is not reset by every render). */
  messages(): string[] {
    if (this.cachedMessages.from !== this.problems) {
      this.cachedMessages = { from: this.problems, messages: this.problems.map((p) => `${p.param}: ${p.message}`) };
    }
    return this.cachedMessages.messages;
  }

  /** A figure inside the host asks for part of the state (components/figure/figure-state.ts). */
  private onFigureState(e: CustomEvent<FigureStateDetail>) {
    const d = e.detail;
    if (!d || d.handled) return;
    const partial = Object.fromEntries(Object.entries(d.partial).filter(([k]) => Object.hasOwn(this.schema, k)));
    if (!Object.keys(partial).length) return;
    d.handled = true;
    e.stopPropagation();
    this.set(partial as Partial<StateOf<S>>);
  }

  private onCellReset(e: CustomEvent<CellResetDetail>) {
    const d = e.detail;
    if (!d) return;
    const keys = (d.params?.length ? d.params : Object.keys(this.schema)).filter((k) => k in this.schema);
    if (!keys.length) return;
    d.handled = true;
    if (d.probe) return;
    const all = defaults(this.schema) as Record<string, unknown>;
    this.set(Object.fromEntries(keys.map((k) => [k, all[k]])) as Partial<StateOf<S>>);
  }

  private schedule() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delay);
  }

  /** Writes the state into the URL now. */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    replaceQuery(writeState(this.schema, this.state, new URLSearchParams(location.search), { prefix: this.prefix }));
  }
}
