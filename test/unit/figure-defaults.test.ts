// A class sees each figure at its default state first: where that figure makes an image with a
// model, the judge passes it (issue 24, "defaults that work"). Each default is read from the
// chapter's own URL schema and run through textToVideo in Node, which the browser tests show the
// page equals byte for byte (first-screen, chapter-2, -5, -6 and -guidance tests). Chapter 7's clips
// are checked in its browser test; chapter 4's unseen shapes and the guidance chapter's s = 0 are failures
// shown on purpose, named in their figures.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelHost } from '../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../pipeline/runtime/weights-node';
import { textToVideo, type TextToVideoOptions } from '../../pipeline/text-to-video';
import { defaults } from '../../pipeline/url-state';
import { chapter2Schema, runSettings } from '../../chapters/chapter-2/state';
import { chapter5Schema, duelSettings } from '../../chapters/chapter-5/state';
import { chapter6Schema } from '../../chapters/chapter-6/state';
import { chapterGuidanceSchema } from '../../chapters/chapter-guidance/state';
import { firstScreenSchema, STEPS as FIRST_SCREEN_STEPS } from '../../chapters/first-screen/state';

const manifest = readManifestIfAny();
const fs = defaults(firstScreenSchema);
const c2 = runSettings(defaults(chapter2Schema));
const c5 = duelSettings(defaults(chapter5Schema));
const c6 = defaults(chapter6Schema);
const cg = defaults(chapterGuidanceSchema);

/** Each figure's default image: what it is, and the options the figure samples it with. */
const DEFAULTS: [string, TextToVideoOptions][] = [
  ['the first screen, the clip a class sees first', { prompt: fs.prompt, seed: fs.seed, model: 'dit', frames: 8, steps: FIRST_SCREEN_STEPS }],
  ['chapter 2, the sampler', { prompt: c2.prompt, seed: c2.seed, model: 'dit', sampler: c2.sampler, eta: c2.eta, steps: c2.steps, guidance: c2.guidance, frames: c2.frames }],
  ...(['dit', 'unet'] as const).map((model): [string, TextToVideoOptions] => [
    `chapter 5, side by side: ${model}`,
    { prompt: c5.prompt, seed: c5.seed, model, sampler: c5.sampler, steps: c5.steps, guidance: c5.guidance, frames: 1 },
  ]),
  ['chapter 6, where each word looks', { prompt: c6.prompt, seed: c6.seed, model: 'dit', frames: Number(c6.frames) }],
  ['the guidance chapter, the strip', { prompt: cg.gprompt, seed: cg.gseed, model: 'dit', guidance: cg.gscale, frames: 1 }],
  ...(['dit_adaln', 'dit_cross', 'dit_in_context', 'dit'] as const).map((model): [string, TextToVideoOptions] => [
    `chapter 6, three ways in: ${model}`,
    { prompt: c6.cprompt, seed: c6.cseed, model, frames: 1 },
  ]),
];

test('every figure whose default makes an image with a model: the judge passes it', async () => {
  const host = new ModelHost(fileWeights());
  const failed: string[] = [];
  try {
    for (const [what, options] of DEFAULTS) {
      if (!manifest?.models[options.model]) {
        console.log(`  skipped ${what}: weights/manifest.json does not list ${options.model}`);
        continue;
      }
      const clip = await textToVideo(host, options, { backend: 'wasm' });
      console.log(`  ${what} (“${options.prompt}”, seed ${options.seed}): ${clip.verdict!.reason}`);
      if (!clip.verdict!.pass) failed.push(`${what}: ${clip.verdict!.reason}`);
    }
  } finally {
    await host.release();
  }
  assert.equal(failed, [], 'defaults the judge fails');
});

test.run();
