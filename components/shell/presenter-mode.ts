// Presenter mode, for a teacher projecting the explainer: large type (in a
// window at least 720 px wide), and keys that step from one live cell or "Try
// this" list to the next, each brought to the top of the screen and outlined.
// It is on with `?present=1` in the URL or the "Present" button
// (components/shell/presenter-toggle.ts) this module puts in the page header;
// Escape leaves it.
//
//   → ↓ PageDown  next cell        ← ↑ PageUp  previous cell        Escape  leave
//
// Keys typed into a control (a slider's arrows, a text field) stay the control's.
// It also follows links to one figure (`#chapter-id--cell-key`, made by a live
// cell's "Copy link"): it brings the chapter near, which loads it, then the cell.
// Installed once, by the first <live-cell> module to load (no chapter needs a change).
import { parseFigureLink } from './figure-link';
import { replaceQuery } from './location';
import './presenter-toggle';
import type { PresenterDetail } from './presenter-toggle';

export const PRESENT_PARAM = 'present';
/** The attribute on the stop being shown. */
export const PRESENTING = 'data-presenting';

/** Narrower than this (CSS px), presenter mode keeps the normal type size. */
export const LARGE_TYPE_MIN_WIDTH = 720;

let installed = false;
let on = false;
let current: Element | null = null;
let typeBefore: string | undefined;

const reducedMotion = () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

export function isPresenting(): boolean {
  return on;
}

/** Every element under `root` that `pick` takes, through the shadow roots of figures and chapters, in document order. */
function deepFind(root: Element | ShadowRoot, pick: (el: Element) => boolean): Element[] {
  const found: Element[] = [];
  const visit = (r: Element | ShadowRoot) => {
    for (const el of r.querySelectorAll('*')) {
      if (pick(el)) found.push(el);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(root);
  return found;
}

/** The live cells and "Try this" lists of the page, top to bottom. */
export function presenterStops(): Element[] {
  const found = deepFind(
    document.body,
    (el) => el.localName === 'live-cell' || (el.localName === 'section' && el.classList.contains('try') && el.getRootNode() !== document),
  );
  const tops = new Map(found.map((el) => [el, el.getBoundingClientRect()]));
  return found.filter((el) => tops.get(el)!.height > 0).sort((a, b) => tops.get(a)!.top - tops.get(b)!.top);
}

function mark(el: Element | null) {
  if (current && current !== el) current.removeAttribute(PRESENTING);
  current = el;
  if (!el) return;
  el.setAttribute(PRESENTING, '');
  el.scrollIntoView({ block: 'start', behavior: reducedMotion() ? 'auto' : 'smooth' });
  const target = el as HTMLElement;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
}

/** Shows the stop `delta` after the current one (or after the one at the top of the screen). */
export function step(delta: number): Element | null {
  const stops = presenterStops();
  if (!stops.length) return null;
  let i = current ? stops.indexOf(current) : -1;
  if (i < 0) {
    // from where the reader is: the first stop whose top is below the top of the screen
    const first = stops.findIndex((el) => el.getBoundingClientRect().top >= -1);
    i = first < 0 ? stops.length : first;
    i = delta > 0 ? i - 1 : i;
  }
  const next = Math.max(0, Math.min(stops.length - 1, i + delta));
  mark(stops[next]);
  return stops[next];
}

function writeUrl() {
  const params = new URLSearchParams(location.search);
  if (on) params.set(PRESENT_PARAM, '1');
  else params.delete(PRESENT_PARAM);
  replaceQuery(params);
}

export function setPresenting(value: boolean): void {
  if (value === on) return;
  on = value;
  const root = document.documentElement;
  if (on) {
    typeBefore = root.dataset.type;
    // large type on a projector-sized window; a phone keeps its type (larger would not fit 390 px)
    if (window.innerWidth >= LARGE_TYPE_MIN_WIDTH) root.dataset.type = 'large';
    root.dataset.present = 'on';
  } else {
    if (typeBefore === undefined) delete root.dataset.type;
    else root.dataset.type = typeBefore;
    delete root.dataset.present;
    mark(null);
  }
  writeUrl();
  document.dispatchEvent(new CustomEvent('presenter-change', { detail: { on } }));
}

/** Keys typed into these are theirs. */
function ownsKeys(el: Element | undefined): boolean {
  if (!el || !(el instanceof Element)) return false;
  if (el.localName === 'input' || el.localName === 'textarea' || el.localName === 'select') return true;
  if ((el as HTMLElement).isContentEditable) return true;
  const role = el.getAttribute('role');
  return role === 'slider' || role === 'application' || role === 'listbox' || role === 'radiogroup' || role === 'radio' || role === 'textbox';
}

function onKey(e: KeyboardEvent) {
  if (!on || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'Escape') {
    setPresenting(false);
    e.preventDefault();
    return;
  }
  if (ownsKeys(e.composedPath()[0] as Element)) return;
  const delta = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 }[e.key];
  if (!delta) return;
  e.preventDefault();
  step(delta);
}

/** The element a figure link (`#chapter-id--cell-key`) names, once its chapter has drawn it. */
function followFigureLink() {
  const link = parseFigureLink(location.hash); // linear, and bounded in length (a fragment is the sender's text)
  if (!link) return;
  const chapter = document.getElementById(link.chapter);
  if (!chapter) return;
  chapter.scrollIntoView(); // near enough to load the chapter's code
  const t0 = performance.now();
  const look = () => {
    const cell = chapter.shadowRoot
      ? deepFind(chapter.shadowRoot, (el) => el.localName === 'live-cell').find((c) => (c as Element & { key?: string }).key === link.cell)
      : undefined;
    if (cell) {
      cell.scrollIntoView({ block: 'start' });
      if (on) mark(cell);
      // the chapter's figures above it may still grow as they fill in: once more when they have
      setTimeout(() => cell.scrollIntoView({ block: 'start' }), 600);
    } else if (performance.now() - t0 < 15_000) setTimeout(look, 100);
  };
  look();
}

export function installPresenterMode(): void {
  if (installed || typeof document === 'undefined') return;
  installed = true;
  const toggle = document.createElement('presenter-toggle');
  toggle.on = on;
  document.addEventListener('presenter-request', (e) => setPresenting(e.detail.on));
  const header = document.querySelector('header.masthead');
  if (header) header.append(toggle);
  else document.body.prepend(toggle);
  document.addEventListener('keydown', onKey);
  window.addEventListener('hashchange', followFigureLink);
  if (new URLSearchParams(location.search).get(PRESENT_PARAM) === '1') setPresenting(true);
  followFigureLink();
}

declare global {
  interface DocumentEventMap {
    'presenter-change': CustomEvent<PresenterDetail>;
    'presenter-request': CustomEvent<PresenterDetail>;
  }
}
