// The chapters, in reading order: the one list a new chapter is added to. From
// it, `npm run build` writes the table of contents and each chapter's place in
// index.html (build.mjs fills the two `<!-- chapters: … -->` marks), main.ts
// loads a chapter's code when the reader comes near it, and <chapter-section>
// takes the chapter's number and title. Each `load` is a dynamic import, so
// esbuild makes the chapter a chunk of its own (named after its file). The one
// import is of a type, which leaves no trace in the code (build.mjs reads it).
import type { MovedFigures } from '../components/shell/location';

export interface ChapterEntry {
  /** The chapter's element, e.g. 'chapter-7'. */
  tag: string;
  /** Its id in the page: the fragment of its links, e.g. #text-to-video. */
  id: string;
  /** As numbered in the contents. */
  number: string;
  title: string;
  load: () => Promise<unknown>;
}

export const CHAPTERS: readonly ChapterEntry[] = [
  { tag: 'chapter-0', id: 'diffusion-2d', number: '0', title: 'Diffusion in two dimensions', load: () => import('./chapter-0/chapter-0') },
  { tag: 'chapter-1', id: 'forward-noising', number: '1', title: 'Forward noising', load: () => import('./chapter-1/chapter-1') },
  { tag: 'chapter-training', id: 'training', number: '2', title: 'Training a denoiser', load: () => import('./chapter-training/chapter-training') },
  { tag: 'chapter-2', id: 'denoising', number: '3', title: 'Denoising, step by step', load: () => import('./chapter-2/chapter-2') },
  { tag: 'chapter-3', id: 'latent-space', number: '4', title: 'The latent space', load: () => import('./chapter-3/chapter-3') },
  { tag: 'chapter-4', id: 'spacetime-patches', number: '5', title: 'Spacetime patches', load: () => import('./chapter-4/chapter-4') },
  { tag: 'chapter-5', id: 'unet-vs-dit', number: '6', title: 'U-Net versus Diffusion Transformer', load: () => import('./chapter-5/chapter-5') },
  { tag: 'chapter-6', id: 'conditioning', number: '7', title: 'The text encoder and cross-attention', load: () => import('./chapter-6/chapter-6') },
  { tag: 'chapter-guidance', id: 'guidance', number: '8', title: 'Guidance and prompt expansion', load: () => import('./chapter-guidance/chapter-guidance') },
  { tag: 'chapter-7', id: 'text-to-video', number: '9', title: 'Text to video', load: () => import('./chapter-7/chapter-7') },
];

/**
 * Old links keep working: main.ts rewrites a moved parameter (c6.gscale → cg.gscale) and a moved figure's
 * fragment (#conditioning--strip → #guidance--strip) before any chapter reads the address
 * (components/shell/location.ts, movedAddress). Guidance and prompt expansion left chapter 6 in 2026-12.
 */
export const MOVED: readonly MovedFigures[] = [
  {
    from: { id: 'conditioning', prefix: 'c6' },
    to: { id: 'guidance', prefix: 'cg' },
    params: ['gprompt', 'gneg', 'gscale', 'gseed', 'gseeds', 'eprompt', 'emode', 'eseed', 'sseed'],
    cells: ['strip', 'sweep', 'expand', 'expandTally'],
  },
];

/** The live first screen (in the page's opening section, not a chapter of the contents): loaded the same way. */
export const FIRST_SCREEN: Pick<ChapterEntry, 'tag' | 'load'> = { tag: 'first-screen', load: () => import('./first-screen/first-screen') };

/** A chapter's entry by its element's tag. */
export function chapterByTag(tag: string): ChapterEntry | undefined {
  return CHAPTERS.find((c) => c.tag === tag);
}
