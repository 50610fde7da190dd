// RunQueue: a chapter's figures that run by themselves the first time they come
// into view go one at a time, in reading order. A figure that comes into view
// while another figure of the queue is busy waits; when none is busy, the first
// waiting figure in the chapter's order starts, and the others wait for it.
// "Busy" is whatever the figure says (a run it started itself, one a button
// started, one a test asked for), so the models of the figure the reader is
// looking at are not shared with a figure further down.
//
//   // the chapter: one queue, its figures' ids in reading order
//   readonly queue = new RunQueue(['error', 'seeds']);
//   <error-figure .queue=${this.queue}></error-figure>
//
//   // a figure: its seat (joins while connected, tells the queue after each render), and how it is busy
//   @property({ attribute: false }) queue: RunQueue | null = null;
//   private seat = new QueueSeat(this, 'error', () => !!this.errors?.running);
//   // its first run (a FigureRunController with auto 'once'): started when its turn comes
//   run: () => this.seat.turn(() => this.measure()),
//
// `turn` calls `start` synchronously once the queue is free, so what `start`
// does before its first await (mark the figure busy) is done before any other
// figure is let go. No DOM (QueueSeat is a Lit controller): test/unit/run-queue.test.ts.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

interface Waiter {
  start: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class RunQueue {
  private readonly busy = new Map<string, () => boolean>();
  private readonly waiting = new Map<string, Waiter>();

  /** `order`: the figures' ids in reading order (the first waiting one goes first). */
  constructor(private readonly order: readonly string[]) {}

  /** A figure joins: `busy` says whether it is running now. Returns a function that takes it out again. */
  join(id: string, busy: () => boolean): () => void {
    this.busy.set(id, busy);
    this.changed();
    return () => {
      if (this.busy.get(id) !== busy) return;
      this.busy.delete(id);
      this.waiting.get(id)?.resolve(undefined);
      this.waiting.delete(id);
      this.changed();
    };
  }

  /** Whether a figure of the queue is busy now. */
  get running(): boolean {
    for (const busy of this.busy.values()) if (busy()) return true;
    return false;
  }

  /** Whether `id` waits for its turn. */
  waits(id: string): boolean {
    return this.waiting.has(id);
  }

  /**
   * Calls `start` when no figure of the queue is busy (at once if none is), and resolves to what it
   * returns (awaited). A figure that asks again while it waits replaces its earlier start (that one
   * resolves to undefined, as does a start whose figure leaves the queue first).
   */
  turn<T>(id: string, start: () => T | Promise<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      this.waiting.get(id)?.resolve(undefined);
      this.waiting.set(id, { start, resolve: resolve as (value: unknown) => void, reject });
      this.changed();
    });
  }

  /** A figure's busy state may have changed: if none is busy, the first waiting figure in reading order starts. */
  changed(): void {
    while (this.waiting.size && !this.running) {
      const id = this.order.find((x) => this.waiting.has(x)) ?? this.waiting.keys().next().value!;
      const w = this.waiting.get(id)!;
      this.waiting.delete(id);
      try {
        w.resolve(w.start());
      } catch (e) {
        w.reject(e);
      }
    }
  }
}

/**
 * A figure's seat in its chapter's queue (the host's `queue` property), as a Lit controller: the
 * figure is in the queue while it is connected, and the queue hears after each of its renders.
 */
export class QueueSeat implements ReactiveController {
  private joined: RunQueue | null = null;
  private leave: (() => void) | null = null;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost & { queue: RunQueue | null },
    readonly id: string,
    private readonly busy: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.sync();
  }

  hostUpdated(): void {
    this.sync();
    this.joined?.changed();
  }

  /** Calls `start` when no other figure of the queue is busy (at once without a queue); see RunQueue.turn. */
  turn<T>(start: () => T | Promise<T>): Promise<T | undefined> {
    this.sync();
    return this.joined ? this.joined.turn(this.id, start) : new Promise<T>((resolve) => resolve(start()));
  }

  private sync(): void {
    const queue = this.connected ? this.host.queue : null;
    if (queue === this.joined) return;
    this.leave?.();
    this.leave = null;
    this.joined = queue;
    if (queue) this.leave = queue.join(this.id, this.busy);
  }
}
