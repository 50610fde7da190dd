// The page rewrites its own address (a chapter's state, the backend, presenter
// mode) without a navigation. One way to do it, so every rewrite keeps the
// fragment the same way.
import { MAX_FIGURE_LINK_LENGTH } from './figure-link';

/**
 * The fragment worth keeping through a rewrite: a chapter or figure link is short; a longer one is the
 * sender's text, which no part of the page reads, and carrying it costs every rewrite a copy of it
 * (a 200,000-character fragment made one of chapter 3's tasks take over a second).
 */
export function keptFragment(hash: string): string {
  return hash.length <= MAX_FIGURE_LINK_LENGTH ? hash : '';
}

/** Puts `params` as the query in the address bar (replacing the entry, no navigation) when the address changes. */
export function replaceQuery(params: URLSearchParams): void {
  const query = params.toString();
  const url = `${location.pathname}${query ? `?${query}` : ''}${keptFragment(location.hash)}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
}
