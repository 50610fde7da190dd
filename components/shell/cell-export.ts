// What a <live-cell> holds, as files: the figure as a PNG (its canvases and
// SVGs — pixel views, Plot charts and their overlays — drawn where they sit on
// the page, onto one canvas) and a clip as an animated GIF
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

/**
 * The pictures under `cell` (canvases and outermost SVGs, across shadow roots), drawn where they are
 * on the page onto one canvas at `scale` × their CSS size: the box round them all, a margin, and
 * `title` over them.
 */
export async function figurePng(cell: Element, options: { scale?: number; background?: string; title?: string } = {}): Promise<Blob | null> {
  const scale = options.scale ?? 2;
  const parts = deepElements(cell).filter(
    (el) => (el.localName === 'canvas' || (el.localName === 'svg' && !el.parentElement?.closest('svg'))) && visible(el),
  );
  if (!parts.length) return null;
  const rects = parts.map((el) => visible(el)!);
  const top = Math.min(...rects.map((r) => r.top)) - MARGIN - (options.title ? TITLE : 0);
  const left = Math.min(...rects.map((r) => r.left)) - MARGIN;
  const right = Math.max(...rects.map((r) => r.right)) + MARGIN;
  const bottom = Math.max(...rects.map((r) => r.bottom)) + MARGIN;
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
    const y = (r.top - top) * scale;
    const w = r.width * scale;
    const h = r.height * scale;
    if (el.localName === 'canvas') {
      const c = el as HTMLCanvasElement;
      if (!c.width || !c.height) continue;
      // a pixel view's few pixels stay sharp squares
      ctx.imageSmoothingEnabled = c.width * 2 > r.width;
      ctx.drawImage(c, x, y, w, h);
      drawn++;
    } else {
      const img = await svgImage(el as SVGSVGElement, r);
      if (!img) continue;
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(img, x, y, w, h);
      drawn++;
    }
  }
  if (!drawn) return null;
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
