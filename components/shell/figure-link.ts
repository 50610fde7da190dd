// Links to one figure: `#chapter-id--cell-key`, as a live cell's "Copy link"
// makes them (components/shell/live-cell.ts) and presenter mode follows them
// (components/shell/presenter-mode.ts) on every load and `hashchange`. No DOM here, so
// Node tests can call it (test/unit/figure-link.test.ts).
//
// The fragment is the sender's text and never reaches a server, so no host limit
// bounds it: the parse is linear and looks at no more than MAX_FIGURE_LINK_LENGTH
// characters. (The regular expression it replaces, /^#([\w-]+?)--([\w-]+)$/, was
// quadratic: `#diffusion-2d--` + 200,000 '-' + '!' froze the page 67.7 s.) It
// accepts what that expression accepted, up to the length cap: '#', then only
// [A-Za-z0-9_-]; the chapter id is everything before the first '--' that has at
// least one character before it, the cell key everything after (at least one).

/** Longer fragments are no figure link: chapter ids are short (index.html) and a cell key is an id or a slug of at most 48 characters. */
export const MAX_FIGURE_LINK_LENGTH = 200;

const WORD_CHARS = /^[\w-]+$/;

/** The chapter id and cell key a figure link names, or null when `hash` is not one. */
export function parseFigureLink(hash: string): { chapter: string; cell: string } | null {
  if (typeof hash !== 'string' || hash.length > MAX_FIGURE_LINK_LENGTH || hash[0] !== '#') return null;
  const body = hash.slice(1);
  if (!WORD_CHARS.test(body)) return null;
  const cut = body.indexOf('--', 1); // the chapter id has at least one character
  if (cut < 0) return null;
  const cell = body.slice(cut + 2);
  // An empty key here means no later '--' leaves one either (it ends the text): no link.
  return cell ? { chapter: body.slice(0, cut), cell } : null;
}
