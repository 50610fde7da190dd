// Presenter mode, for a teacher projecting the explainer: large type (in a
// window at least 720 px wide), the contents column hidden, and keys that step
// from one live cell or "Try this" list to the next, each brought to the top of
// the screen, outlined, and scaled down (CSS zoom) until it fits the screen,
// under a band that names the chapter and the figure's gist
// (components/shell/presenter-caption.ts). Escape leaves, at the figure shown.
// It is on with `?present=1` in the URL or the "Present" button
// (components/shell/presenter-toggle.ts) this module puts in the page header;
//
//   → ↓ PageDown  next cell        ← ↑ PageUp  previous cell        Escape  leave
//
// Keys typed into a control (a slider's arrows, a text field) stay the control's.
// It also follows links to one figure (`#chapter-id--cell-key`, made by a live
// cell's "Copy link"): it brings the chapter near, which loads it, then the cell.
// Installed once, by the first <live-cell> module to load (no chapter needs a change).
import { parseFigureLink } from './figure-link';
import { replaceQuery } from './location';
import './presenter-caption';
import type { PresenterCaption } from './presenter-caption';
import './presenter-toggle';
import type { PresenterDetail } from './presenter-toggle';
import { prefersReducedMotion } from '../styles/motion';

export const PRESENT_PARAM = 'present';
/** The attribute on the stop being shown. */
export const PRESENTING = 'data-presenting';
/** The zoom a shown stop was scaled to, once fitted (for tests: the stop is final then). */
export const FITTED = 'data-fitted-zoom';

/** Narrower than this (CSS px), presenter mode keeps the normal type size. */
export const LARGE_TYPE_MIN_WIDTH = 720;

let installed = false;
let on = false;
let current: Element | null = null;
let typeBefore: string | undefined;
let caption: PresenterCaption | null = null;
let resizes: ResizeObserver | null = null;
/** The smallest zoom a stop is scaled to (below it, it would rather not fit than not be read). */
export const MIN_ZOOM = 0.25;


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

/**
 * `els` (in document order) top to bottom, and cells side by side (tops within ROW_PX) in document order.
 * Document order alone would put a chapter's "Try this" list (in its section's shadow root) before the
 * figures slotted above it; position alone would reorder a row whenever a stop in it is scaled (its
 * margins scale too, which lifts it a little).
 */
export function readingOrder<T extends Element>(els: T[], top: (el: T) => number = (el) => el.getBoundingClientRect().top): T[] {
  const index = new Map(els.map((el, i) => [el, i]));
  const byTop = els.map((el) => ({ el, top: top(el) })).sort((a, b) => a.top - b.top);
  const ordered: T[] = [];
  for (let i = 0; i < byTop.length; ) {
    let j = i + 1;
    while (j < byTop.length && byTop[j].top - byTop[i].top < ROW_PX) j++;
    ordered.push(...byTop.slice(i, j).map((x) => x.el).sort((a, b) => index.get(a)! - index.get(b)!));
    i = j;
  }
  return ordered;
}

/** Stops whose tops differ by less than this (CSS px) are side by side. */
const ROW_PX = 24;

/** The live cells and "Try this" lists of the page, in reading order. */
export function presenterStops(): Element[] {
  const found = deepFind(
    document.body,
    (el) => el.localName === 'live-cell' || (el.localName === 'section' && el.classList.contains('try') && el.getRootNode() !== document),
  );
  return readingOrder(found.filter((el) => el.getBoundingClientRect().height > 0));
}

/** The chain of shadow hosts around `el`, innermost first (a cell's figure, then its chapter). */
export function hostsOf(el: Element): Element[] {
  const hosts: Element[] = [];
  for (let root = el.getRootNode(); root instanceof ShadowRoot; root = root.host.getRootNode()) hosts.push(root.host);
  return hosts;
}

/** The first sentence of `text`, at most `max` characters. */
export function firstSentence(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const sentence = /^.*?[.!?:](?=\s|$)/.exec(flat)?.[0] ?? flat;
  return sentence.length > max ? `${sentence.slice(0, max - 1).trimEnd()}…` : sentence;
}

/** What the caption says with a stop: its chapter, and the first sentence of the paragraph before its figure. */
export function describeStop(el: Element): { where: string; gist: string } {
  const hosts = hostsOf(el);
  const chapter = hosts.find((h) => h.classList.contains('chapter')) as HTMLElement | undefined;
  // the figure: the element that sits in the chapter's own shadow root (or in the document: the first screen)
  const figure = [el, ...hosts].find((h) => (chapter ? h.getRootNode() === chapter.shadowRoot : h.getRootNode() === document)) ?? el;
  const where = chapter
    ? `Chapter ${chapter.dataset.number ?? ''} · ${chapter.dataset.title ?? ''}`
    : (figure.closest('section')?.querySelector('h2')?.textContent?.trim() ?? '');
  if (el.localName === 'section') return { where, gist: 'Try this: questions for the class, each with a Show me button' };
  // the nearest paragraph of prose before it (not a formula's readout line)
  let before = figure.previousElementSibling;
  while (before && (before.localName !== 'p' || before.matches('.eq, .formula, .readout'))) before = before.previousElementSibling;
  const label = (el as Element & { label?: string }).label ?? '';
  return { where, gist: before?.textContent ? firstSentence(before.textContent) : label };
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** The height a stop may take: the window less the caption and a margin. */
function room(): number {
  return window.innerHeight - (caption?.getBoundingClientRect().height ?? 0) - 16;
}

/**
 * Scales `el` down with CSS zoom until it fits `room()`. Zoomed as it is, a block lays out wider
 * before it shrinks, which lets some figures fit at a larger zoom (a grid goes side by side), so
 * zooms between "the same layout, scaled" and 1 are tried first; where none fits (a figure whose
 * pictures grow with its width), the stop keeps its width's layout and is scaled as a whole. Returns the zoom.
 */
export async function fitToScreen(el: HTMLElement): Promise<number> {
  fitting = true;
  try {
    return await searchZoom(el);
  } finally {
    fitting = false;
  }
}

/** True while fitToScreen tries zooms (the size changes it causes are its own, not the figure's). */
let fitting = false;

async function searchZoom(el: HTMLElement): Promise<number> {
  // a figure may lay out again a frame after a change of size (its charts follow their width): two frames
  const heightAt = async (zoom: string) => {
    el.style.zoom = zoom;
    await nextFrame();
    await nextFrame();
    return el.getBoundingClientRect().height;
  };
  clearFit(el);
  el.style.alignSelf = 'start'; // in a grid or flex row, its own height, not the row's
  const natural = await heightAt('');
  const width = el.getBoundingClientRect().width;
  const avail = room();
  if (natural <= avail) return 1;
  const scaled = Math.max(MIN_ZOOM, avail / natural);
  let fits = 0;
  let lo = scaled;
  let over = 1;
  for (let i = 0; i < 6; i++) {
    const z = (lo + over) / 2;
    if ((await heightAt(String(z))) <= avail) lo = fits = z;
    else over = z;
  }
  if (fits && (await heightAt(String(fits))) <= avail) return fits;
  el.style.width = `${width}px`; // its own (zoomed) pixels: the unzoomed layout, drawn smaller
  el.style.marginInline = 'auto';
  let z = scaled;
  for (let i = 0; i < 4; i++) {
    const h = await heightAt(String(z));
    if (h <= avail || z <= MIN_ZOOM) break;
    z = Math.max(MIN_ZOOM, z * (avail / h) * 0.995); // not quite proportional (rounding, wrapping): again
  }
  return z;
}

function clearFit(el: HTMLElement) {
  el.style.zoom = '';
  el.style.alignSelf = '';
  el.style.width = '';
  el.style.marginInline = '';
}

/**
 * Keeps a shown stop fitted and in place: fitted again when it grows past the screen (its run ends,
 * a picture arrives; its size as fitted is not a change), and brought back under the caption when
 * figures above it change the page's height (unless the reader has scrolled away from it).
 */
function followStop(el: Element, target: HTMLElement, show: () => void, fitted: (zoom: number) => void): ResizeObserver {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let asFitted = el.getBoundingClientRect().height;
  let pageHeight = document.body.getBoundingClientRect().height;
  const observer = new ResizeObserver(() => {
    if (fitting || current !== el) return;
    const page = document.body.getBoundingClientRect().height;
    if (page !== pageHeight) {
      pageHeight = page;
      const offset = el.getBoundingClientRect().top - (caption?.getBoundingClientRect().height ?? 0) - 8;
      if (Math.abs(offset) > 2 && Math.abs(offset) < innerHeight / 2) show();
    }
    const height = el.getBoundingClientRect().height;
    if (timer !== null || Math.abs(height - asFitted) < 1 || height <= room() + 2) return;
    timer = setTimeout(() => {
      timer = null;
      if (current !== el) return;
      el.removeAttribute(FITTED);
      void fitToScreen(target).then((zoom) => {
        asFitted = el.getBoundingClientRect().height;
        fitted(zoom);
      });
    }, 200);
  });
  observer.observe(el);
  observer.observe(document.body);
  return observer;
}

function unmark(el: Element) {
  el.removeAttribute(PRESENTING);
  el.removeAttribute(FITTED);
  clearFit(el as HTMLElement);
  resizes?.disconnect();
  resizes = null;
}

/**
 * Chapters load when they come near the screen (main.ts). A stop near the end of a chapter may leave the
 * next one more than a screen below (a long try-this list with its answers, many references): ask for it
 * now, so that the step after the chapter's last stop has somewhere to go.
 */
function wantNextChapter(el: Element) {
  let host: Element = el;
  while (host.getRootNode() instanceof ShadowRoot) host = (host.getRootNode() as ShadowRoot).host;
  const chapters = Array.from(document.querySelectorAll<HTMLElement>('.chapter[data-number]'));
  const at = chapters.indexOf(host as HTMLElement);
  const next = at >= 0 ? chapters[at + 1] : undefined;
  if (next && !next.dataset.load) document.dispatchEvent(new CustomEvent<HTMLElement>('chapter-wanted', { detail: next }));
}

function mark(el: Element | null) {
  if (current && current !== el) unmark(current);
  current = el;
  if (caption) caption.hidden = !el;
  if (!el) return;
  wantNextChapter(el);
  const target = el as HTMLElement;
  el.setAttribute(PRESENTING, '');
  if (caption) Object.assign(caption, describeStop(el));
  // to the top of the screen, under the caption (scrolled by hand: a zoomed stop's scroll-margin is its own)
  const show = () => {
    const top = scrollY + target.getBoundingClientRect().top - (caption?.getBoundingClientRect().height ?? 0) - 8;
    window.scrollTo({ top: Math.max(0, top), behavior: prefersReducedMotion() ? 'auto' : 'smooth' });
  };
  show();
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
  const fitted = (zoom: number) => {
    if (current !== el) return;
    show();
    el.setAttribute(FITTED, zoom.toFixed(3));
  };
  el.removeAttribute(FITTED);
  void (caption?.updateComplete ?? Promise.resolve())
    .then(() => fitToScreen(target))
    .then((zoom) => {
      if (current !== el) return;
      fitted(zoom);
      resizes = followStop(el, target, show, fitted);
    });
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
    const shown = current;
    if (typeBefore === undefined) delete root.dataset.type;
    else root.dataset.type = typeBefore;
    delete root.dataset.present;
    mark(null);
    // the type and the columns change under the reader: stay at the figure that was shown
    if (shown) requestAnimationFrame(() => shown.scrollIntoView({ block: 'start' }));
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
  caption = document.createElement('presenter-caption');
  caption.hidden = true;
  document.body.append(caption);
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
