// The page's entry point. It is small on purpose: each chapter's code (and the
// models it uses) loads when the reader comes near the chapter, or follows a
// link into it. index.html holds one element per chapter, in reading order.

import { registerServiceWorker } from './components/shell/service-worker-client';
import { CHAPTERS as REGISTRY, FIRST_SCREEN, MOVED } from './chapters/registry';
import { followMoves } from './components/shell/location';

/** Chapter elements and their code (chapters/registry.ts); esbuild makes each dynamic import its own chunk. The
 *  first screen (the whole pipeline, live, above the chapters) loads the same way, at once when the page opens at the top. */
export const CHAPTERS: Record<string, () => Promise<unknown>> = Object.fromEntries([FIRST_SCREEN, ...REGISTRY].map((c) => [c.tag, c.load]));
/** Elements of the page outside the chapters whose code loads the same way, when the reader comes near them. */
const LAZY_PARTS: Record<string, () => Promise<unknown>> = { 'engine-panel': () => import('./components/shell/engine-panel') };
const LOADERS: Record<string, () => Promise<unknown>> = { ...CHAPTERS, ...LAZY_PARTS };

type LoadState = 'loading' | 'loaded' | 'failed';

const loads = new Map<string, Promise<void>>();
const failedChunks = new Map<string, string>();

/** The script URL a failed dynamic import names ("Failed to fetch dynamically imported module: http://…/chapter-3-X.js"). */
function chunkUrlOf(error: unknown): string | null {
  const m = /(https?:\/\/[^\s'"]+?\.js)(?:\?[^\s'"]*)?/.exec(error instanceof Error ? error.message : String(error));
  return m && new URL(m[1]).origin === location.origin ? m[1] : null;
}

/** Loads a chapter's code once; a failure is shown in the chapter's place with a Retry button. */
function loadChapter(el: HTMLElement): Promise<void> {
  const tag = el.localName;
  const existing = loads.get(tag);
  if (existing) return existing;
  const first = LOADERS[tag];
  if (!first) return Promise.resolve();
  // Browsers remember a module whose fetch failed and answer a second import() of it with the
  // same failure, without asking the network: a retry imports the chunk's URL (read from the
  // error) with a query that makes it a new module. Without a URL in the error, import again.
  const failedUrl = failedChunks.get(tag);
  const load = failedUrl ? () => import(/* @vite-ignore */ `${failedUrl}?retry=${Date.now()}`) : first;
  el.dataset.load = 'loading' satisfies LoadState;
  const p = load().then(
    () => {
      el.dataset.load = 'loaded' satisfies LoadState;
    },
    (error: unknown) => {
      loads.delete(tag);
      const url = chunkUrlOf(error);
      if (url) failedChunks.set(tag, url);
      el.dataset.load = 'failed' satisfies LoadState;
      showLoadError(el, error);
    },
  );
  loads.set(tag, p);
  return p;
}

function showLoadError(el: HTMLElement, error: unknown) {
  console.warn(`could not load ${el.localName}:`, error);
  el.querySelector('.chapter-error')?.remove();
  const box = document.createElement('div');
  box.className = 'chapter-error';
  box.setAttribute('role', 'alert');
  const p = document.createElement('p');
  p.textContent = `This chapter could not be loaded (${error instanceof Error ? error.message : String(error)}). The rest of the page still works.`;
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.textContent = 'Retry';
  retry.addEventListener('click', () => {
    box.remove();
    void loadChapter(el);
  });
  box.append(p, retry);
  el.append(box);
}

function chapterElements(): HTMLElement[] {
  return Object.keys(LOADERS).flatMap((tag) => Array.from(document.querySelectorAll<HTMLElement>(tag)));
}

/** The chapter a URL fragment points into (the chapter itself or an id inside its light DOM). */
function chapterForHash(hash: string): HTMLElement | null {
  if (hash.length < 2) return null;
  let target: Element | null = null;
  try {
    target = document.getElementById(decodeURIComponent(hash.slice(1)));
  } catch {
    return null;
  }
  while (target && !LOADERS[target.localName]) target = target.parentElement;
  return target as HTMLElement | null;
}

function start() {
  // an old link to a figure that has moved (chapters/registry.ts, MOVED) is rewritten before any chapter reads it
  followMoves(MOVED);
  const elements = chapterElements();
  if ('IntersectionObserver' in window) {
    // "Near" is within one screen above or below what is visible.
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          void loadChapter(entry.target as HTMLElement);
        }
      },
      { rootMargin: '100% 0px 100% 0px' },
    );
    for (const el of elements) observer.observe(el);
  } else {
    for (const el of elements) void loadChapter(el);
  }
  // presenter mode asks for the chapter after the one it shows (components/shell/presenter-mode.ts)
  document.addEventListener('chapter-wanted', (e) => void loadChapter((e as CustomEvent<HTMLElement>).detail));
  markCurrentSection();
  const followHash = () => {
    followMoves(MOVED); // a fragment typed or followed later may be an old one too (presenter mode reads it after this)
    const el = chapterForHash(location.hash);
    if (el) void loadChapter(el).then(() => el.scrollIntoView());
  };
  window.addEventListener('hashchange', followHash);
  followHash();
  document.documentElement.dataset.shell = 'ready'; // for tests and for CSS that waits on the script
}

/** In the contents, marks the section being read (aria-current="location"). */
function markCurrentSection() {
  const links = new Map<string, HTMLAnchorElement>();
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav.toc a[href^="#"]')) links.set(a.hash.slice(1), a);
  const sections = Array.from(document.querySelectorAll<HTMLElement>('main > [id]')).filter((el) => links.has(el.id));
  if (!sections.length || !('IntersectionObserver' in window)) return;
  const visible = new Set<Element>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (e.isIntersecting) visible.add(e.target);
        else visible.delete(e.target);
      }
      const current = sections.find((el) => visible.has(el));
      for (const [id, a] of links) {
        if (current && id === current.id) a.setAttribute('aria-current', 'location');
        else a.removeAttribute('aria-current');
      }
    },
    // a band across the upper part of the window: the section there is the one being read
    { rootMargin: '-10% 0px -60% 0px' },
  );
  for (const el of sections) observer.observe(el);
}

start();
// The offline copy (sw.js): after one visit the whole explainer works without a network.
void registerServiceWorker();
