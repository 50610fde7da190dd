// What a <live-cell> holds, as files: the figure as a PNG (its canvases and
// SVGs — pixel views, Plot charts and their overlays — and the text that goes
// with them — chart titles and legends, the × + = between pictures, their
// labels, readouts — drawn where they sit on the page onto one canvas, with
// the controls left out and empty bands between rows closed up, so that it
// can go on a slide) and a clip as an animated GIF
// (pipeline/export/gif.ts). No libraries: SVGs are serialised and drawn as images.
//
//   const blob = await figurePng(cell, { title }); // null: the cell holds no picture
//   const gif = clipGif(cell);                     // null: no clip of two or more frames
//   download(blob, 'figure.png');
import { encodeGif } from '../../pipeline/export/gif';

/** Every element under `root` (its light DOM and every shadow root inside, in document order). */
export function deepElements(root: Element): Element[] {
  const out: Element[] = [];
  const visit = (el: Element) => {
    out.push(el);
    if (el.shadowRoot) for (const c of el.shadowRoot.children) visit(c);
    for (const c of el.children) visit(c);
  };
  for (const c of root.children) visit(c);
  return out;
}

interface ClipSource {
  rgb: Uint8Array | null;
  frames: number;
  width: number;
  height: number;
  fps?: number;
}

/** The clip players in a cell that hold a clip of two or more frames. */
export function clipsIn(cell: Element): ClipSource[] {
  return deepElements(cell)
    .filter((el) => el.localName === 'clip-player')
    .map((el) => el as unknown as ClipSource)
    .filter((c) => c.rgb && c.frames > 1 && c.rgb.length >= 3 * c.width * c.height * c.frames);
}

/** The cell's first clip (the one with most frames) as an animated GIF, at least 256 px wide. */
export function clipGif(cell: Element): Uint8Array | null {
  const clips = clipsIn(cell);
  if (!clips.length) return null;
  const c = clips.reduce((a, b) => (b.frames > a.frames ? b : a));
  const size = 3 * c.width * c.height;
  const frames = Array.from({ length: c.frames }, (_, f) => c.rgb!.subarray(f * size, (f + 1) * size));
  return encodeGif(frames, {
    width: c.width,
    height: c.height,
    delayMs: 1000 / Math.max(0.5, c.fps ?? 4),
    scale: Math.max(1, Math.floor(256 / c.width)),
  });
}

function visible(el: Element): DOMRect | null {
  const r = el.getBoundingClientRect();
  return r.width >= 1 && r.height >= 1 ? r : null;
}

function svgImage(svg: SVGSVGElement, r: DOMRect): Promise<HTMLImageElement | null> {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const style = getComputedStyle(svg);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(r.width));
  clone.setAttribute('height', String(r.height));
  if (!clone.getAttribute('viewBox') && svg.viewBox?.baseVal?.width) {
    const v = svg.viewBox.baseVal;
    clone.setAttribute('viewBox', `${v.x} ${v.y} ${v.width} ${v.height}`);
  }
  clone.style.color = style.color;
  clone.style.fontFamily = style.fontFamily;
  clone.style.fontSize = style.fontSize;
  const text = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = url;
  }).finally(() => URL.revokeObjectURL(url)) as Promise<HTMLImageElement | null>;
}

const MARGIN = 12;
const TITLE = 28;
/** Empty bands between rows of the figure are closed up to this (CSS px). */
const GAP = 20;

/** Elements whose text is a control's, not the figure's: left out of the PNG. */
const CONTROLS = 'button, input, select, textarea, option, label, labelled-slider, choice-picker, seed-control, prompt-field, .tools, [role="group"][aria-label="Figure tools"]';

/** A word of the figure's text, where it is drawn, in its font and colour. */
export interface PngWord {
  text: string;
  rect: DOMRect;
  font: string;
  color: string;
}

/** Whether `node` sits inside a control or an SVG (an SVG's text is drawn with it), across shadow roots. */
function inControlOrSvg(node: Node): boolean {
  for (let el: Element | null = node.parentElement; el; ) {
    if (el.matches(CONTROLS) || el.localName === 'svg' || el.closest('svg')) return true;
    const up: Element | null = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host ?? null);
    el = up;
  }
  return false;
}

/** The words of the text under `cell` (across shadow roots) that are the figure's, each with its box. */
export function figureWords(cell: Element): PngWord[] {
  const words: PngWord[] = [];
  const range = document.createRange();
  for (const el of deepElements(cell)) {
    for (const node of el.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE || !node.textContent?.trim() || inControlOrSvg(node)) continue;
      const style = getComputedStyle(node.parentElement!);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const font = `${style.fontStyle} ${style.fontWeight} ${parseFloat(style.fontSize)}px ${style.fontFamily}`;
      for (const m of node.textContent.matchAll(/\S+/g)) {
        range.setStart(node, m.index!);
        range.setEnd(node, m.index! + m[0].length);
        const rect = range.getClientRects()[0];
        if (rect && rect.width >= 1 && rect.height >= 1) words.push({ text: m[0], rect, font, color: style.color });
      }
    }
  }
  return words;
}

/** A colour key's square (a `::before` with a background, as components/styles colourKeys draws them), where it is. */
export interface PngSwatch {
  rect: DOMRect;
  color: string;
}

const transparent = (c: string) => c === 'transparent' || /^rgba\(.*,\s*0\)$/.test(c);

/** The colour keys' squares under `cell`: a `::before` with a background colour, before its element's first text. */
export function figureSwatches(cell: Element): PngSwatch[] {
  const swatches: PngSwatch[] = [];
  const range = document.createRange();
  for (const el of deepElements(cell)) {
    const before = getComputedStyle(el, '::before');
    if (before.content === 'none' || transparent(before.backgroundColor)) continue;
    const w = parseFloat(before.width);
    const h = parseFloat(before.height);
    const text = [...el.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
    if (!(w > 0 && h > 0 && w <= 32 && h <= 32) || !text || inControlOrSvg(text)) continue;
    range.selectNodeContents(text);
    const first = range.getClientRects()[0];
    if (!first) continue;
    const x = first.left - parseFloat(before.marginRight || '0') - w;
    swatches.push({ rect: new DOMRect(x, first.top + first.height / 2 - h / 2, w, h), color: before.backgroundColor });
  }
  return swatches;
}

/** A map of page y to PNG y that closes every empty band taller than GAP between the boxes. */
function closeGaps(boxes: { top: number; bottom: number }[]): (y: number) => number {
  const sorted = [...boxes].sort((a, b) => a.top - b.top);
  const cuts: { at: number; by: number }[] = []; // below `at`, everything moves up by `by` more
  let reach = sorted[0]?.bottom ?? 0;
  for (const b of sorted.slice(1)) {
    if (b.top - reach > GAP) cuts.push({ at: b.top, by: b.top - reach - GAP });
    reach = Math.max(reach, b.bottom);
  }
  return (y) => y - cuts.reduce((sum, c) => (y >= c.at ? sum + c.by : sum), 0);
}

/** What figurePng drew, for tests: the words, the colour keys, and the PNG's size in CSS px. */
export interface PngReport {
  words: string[];
  swatches: string[];
  width: number;
  height: number;
}

/**
 * The pictures under `cell` (canvases and outermost SVGs, across shadow roots) and the figure's text
 * near them (above a picture by at most a line or two, or among them), drawn where they are on the
 * page onto one canvas at `scale` × their CSS size, empty bands closed up, with a margin and `title`
 * over them. `report` receives what was drawn.
 */
export async function figurePng(
  cell: Element,
  options: { scale?: number; background?: string; title?: string; report?: (r: PngReport) => void } = {},
): Promise<Blob | null> {
  const scale = options.scale ?? 2;
  const parts = deepElements(cell).filter(
    (el) => (el.localName === 'canvas' || (el.localName === 'svg' && !el.parentElement?.closest('svg'))) && visible(el),
  );
  if (!parts.length) return null;
  const rects = parts.map((el) => visible(el)!);
  // the figure's text: among the pictures, or just above or below one (a chart's title and legend, a picture's label)
  const near = (r: DOMRect) =>
    rects.some((p) => r.right > p.left - 8 && r.left < p.right + 8 && r.bottom > p.top - 64 && r.top < p.bottom + 40) ||
    (r.top >= Math.min(...rects.map((p) => p.top)) && r.bottom <= Math.max(...rects.map((p) => p.bottom)));
  const words = figureWords(cell).filter((w) => near(w.rect));
  const swatches = figureSwatches(cell).filter((k) => near(k.rect));
  const boxes = [...rects, ...words.map((w) => w.rect), ...swatches.map((k) => k.rect)];
  const y = closeGaps(boxes);
  const titleRoom = options.title ? TITLE : 0;
  const top = Math.min(...boxes.map((r) => y(r.top))) - MARGIN - titleRoom;
  const left = Math.min(...boxes.map((r) => r.left)) - MARGIN;
  const right = Math.max(...boxes.map((r) => r.right)) + MARGIN;
  const bottom = Math.max(...boxes.map((r) => y(r.bottom))) + MARGIN;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round((right - left) * scale);
  canvas.height = Math.round((bottom - top) * scale);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = options.background ?? '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (options.title) {
    ctx.fillStyle = '#1d1f24';
    ctx.font = `600 ${15 * scale}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    ctx.fillText(options.title, MARGIN * scale, MARGIN * scale, canvas.width - 2 * MARGIN * scale);
  }
  let drawn = 0;
  for (const [i, el] of parts.entries()) {
    const r = rects[i];
    const x = (r.left - left) * scale;
    const yy = (y(r.top) - top) * scale;
    const w = r.width * scale;
    const h = r.height * scale;
    if (el.localName === 'canvas') {
      const c = el as HTMLCanvasElement;
      if (!c.width || !c.height) continue;
      // a pixel view's few pixels stay sharp squares
      ctx.imageSmoothingEnabled = c.width * 2 > r.width;
      ctx.drawImage(c, x, yy, w, h);
      drawn++;
    } else {
      const img = await svgImage(el as SVGSVGElement, r);
      if (!img) continue;
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(img, x, yy, w, h);
      drawn++;
    }
  }
  if (!drawn) return null;
  for (const k of swatches) {
    ctx.fillStyle = k.color;
    ctx.fillRect((k.rect.left - left) * scale, (y(k.rect.top) - top) * scale, k.rect.width * scale, k.rect.height * scale);
  }
  ctx.textBaseline = 'middle';
  for (const w of words) {
    const size = parseFloat(/(\d+(?:\.\d+)?)px/.exec(w.font)?.[1] ?? '16');
    ctx.font = w.font.replace(/\d+(?:\.\d+)?px/, `${size * scale}px`);
    ctx.fillStyle = w.color;
    ctx.fillText(w.text, (w.rect.left - left) * scale, (y(w.rect.top) + w.rect.height / 2 - top) * scale);
  }
  options.report?.({ words: words.map((w) => w.text), swatches: swatches.map((k) => k.color), width: right - left, height: bottom - top });
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/png'));
}

/** Saves `data` as a file named `name` (a download). */
export function download(data: Blob | Uint8Array, name: string, type = 'application/octet-stream'): void {
  const blob = data instanceof Blob ? data : new Blob([new Uint8Array(data)], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe, URL-safe form of a label ("Noising one picture: the same ε" → "noising-one-picture-the-same"). */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'figure'
  );
}
