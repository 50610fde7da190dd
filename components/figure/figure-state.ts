// A figure owns what it shows, and the chapter owns the state in the URL: a
// figure gets its chapter's state as a property and asks for a change with a
// `figure-state` event, which the chapter's UrlStateController applies (values
// repaired as a link's would be; the URL follows; every figure re-renders).
//
//   <make-figure .state=${this.url.state}></make-figure>           // down, in the chapter
//   setFigureState(this, { seed: this.state.seed + 1 });           // up, in the figure
//   await applyFigureState(this, { prompt }); this.runs.retry();  // up, then run on the new state
import type { FigureStateDetail } from '../controllers/url-state-controller';

/** Asks the chapter around `from` to apply `partial` to its state. Returns whether a chapter took it. */
export function setFigureState<S extends object>(from: Element, partial: Partial<S>): boolean {
  const detail: FigureStateDetail = { partial: partial as Record<string, unknown>, handled: false };
  from.dispatchEvent(new CustomEvent<FigureStateDetail>('figure-state', { detail, bubbles: true, composed: true }));
  return detail.handled;
}

/**
 * Asks the chapter for a change of state (setFigureState) and resolves once the chapter has rendered
 * it, so the figure's `state` is the new one (for a button that changes the state and then runs).
 */
export async function applyFigureState<S extends object>(from: Element, partial: Partial<S>): Promise<void> {
  setFigureState(from, partial);
  const chapter = (from.getRootNode() as ShadowRoot).host as (Element & { updateComplete?: Promise<unknown> }) | undefined;
  await chapter?.updateComplete;
}

declare global {
  interface HTMLElementEventMap {
    'figure-state': CustomEvent<FigureStateDetail>;
  }
}
