// The page rewrites its own address (a chapter's state, the backend, presenter
// mode, an old link's moved figures) without a navigation. One way to do it, so
// every rewrite keeps the fragment the same way.
import { MAX_FIGURE_LINK_LENGTH, parseFigureLink } from './figure-link';

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

/** Figures that moved from one chapter to another, with their URL parameters (same names, the new chapter's prefix). */
export interface MovedFigures {
  from: { id: string; prefix: string };
  to: { id: string; prefix: string };
  /** The state keys that moved. */
  params: readonly string[];
  /** The moved figures' cell keys (`#id--cell`). */
  cells: readonly string[];
}

/**
 * An old link's address with its moved parts renamed: each moved parameter under the old prefix goes under
 * the new one (unless the new name is given too: then the old one stays, and its chapter says it is unknown),
 * and a moved figure's fragment names the new chapter. Null when nothing moved.
 */
export function movedAddress(search: string, hash: string, moves: readonly MovedFigures[]): { search: string; hash: string } | null {
  const params = new URLSearchParams(search);
  let changed = false;
  for (const m of moves) {
    for (const key of m.params) {
      const from = `${m.from.prefix}.${key}`, to = `${m.to.prefix}.${key}`;
      if (!params.has(from) || params.has(to)) continue;
      for (const value of params.getAll(from)) params.append(to, value);
      params.delete(from);
      changed = true;
    }
  }
  const link = parseFigureLink(hash);
  const move = link && moves.find((m) => m.from.id === link.chapter && m.cells.includes(link.cell));
  const fragment = move ? `#${move.to.id}--${link.cell}` : hash;
  if (!changed && fragment === hash) return null;
  const query = changed ? params.toString() : search.replace(/^\?/, '');
  return { search: query ? `?${query}` : '', hash: fragment };
}

/** Rewrites the address bar when an old link names figures that have moved (no navigation). */
export function followMoves(moves: readonly MovedFigures[]): void {
  const moved = movedAddress(location.search, location.hash, moves);
  if (moved) history.replaceState(history.state, '', `${location.pathname}${moved.search}${keptFragment(moved.hash)}`);
}
