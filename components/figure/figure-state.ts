// A figure owns what it shows, and the chapter owns the state in the URL: a
// figure gets its chapter's state as a property and asks for a change with a
// `figure-state` event, which the chapter's UrlStateController applies (values
// repaired as a link's would be; the URL follows; every figure re-renders).
//
//   <make-figure .state=${this.url.state}></make-figure>           // down, in the chapter
//   setFigureState(this, { seed: this.state.seed + 1 });           // up, in the figure
import type { FigureStateDetail } from '../controllers/url-state-controller';

/** Asks the chapter around `from` to apply `partial` to its state. Returns whether a chapter took it. */
export function setFigureState<S extends object>(from: Element, partial: Partial<S>): boolean {
  const detail: FigureStateDetail = { partial: partial as Record<string, unknown>, handled: false };
  from.dispatchEvent(new CustomEvent<FigureStateDetail>('figure-state', { detail, bubbles: true, composed: true }));
  return detail.handled;
}

declare global {
  interface HTMLElementEventMap {
    'figure-state': CustomEvent<FigureStateDetail>;
  }
}
