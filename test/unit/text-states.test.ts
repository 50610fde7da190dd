// The committed text encoder's two per-token outputs, run with onnxruntime-web in
// Node: `hidden` (the CLIP text tower's) is nearly a bag of words, `phrases` (after
// the context blocks) tells "a cyan triangle and a green square" from "a green
// triangle and a cyan square" at the shape tokens; and each denoiser's manifest
// entry names the one it was trained on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelHost } from '../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../pipeline/runtime/weights-node';
import { encodePrompt, textStates } from '../../pipeline/text-to-video/prompt';

const manifest = readManifestIfAny();
const WIDTH = 128;

function cosineAt(a: Float32Array, b: Float32Array, token: number): number {
  let ab = 0, aa = 0, bb = 0;
  for (let j = 0; j < WIDTH; j++) {
    const x = a[token * WIDTH + j], y = b[token * WIDTH + j];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

const hasPhrases = !!manifest?.models.text_encoder?.outputs && 'phrases' in (manifest.models.text_encoder.outputs as object);
(hasPhrases ? test : test.skip)('the text encoder: hidden barely changes when two colours swap, phrases does; the U-Net reads phrases, the DiTs hidden', async () => {
  const host = new ModelHost(fileWeights());
  try {
    // <start> a cyan triangle and a green square <end>: the shapes are tokens 3 and 7
    const pairs = [
      ['a cyan triangle and a green square', 'a green triangle and a cyan square'],
      ['a red circle and a blue square', 'a blue circle and a red square'],
    ];
    for (const [one, swapped] of pairs) {
      const a = (await encodePrompt(host, one)).prompt, b = (await encodePrompt(host, swapped)).prompt;
      assert.ok(a.phrases && b.phrases, 'the encoded prompt has the phrases output');
      for (const shape of [3, 7]) {
        const hidden = cosineAt(a.hidden, b.hidden, shape), phrases = cosineAt(a.phrases!, b.phrases!, shape);
        assert.ok(hidden > 0.9999, `${one}: hidden at token ${shape} should barely change, cosine ${hidden}`);
        assert.ok(phrases < 0.95, `${one}: phrases at token ${shape} should carry the colour, cosine ${phrases}`);
      }
    }
    assert.is(textStates(manifest!, 'unet'), 'phrases');
    assert.is(textStates(manifest!, 'unet_inspect'), 'phrases');
    for (const dit of ['dit', 'dit_inspect', 'dit_snap4', 'dit_snap16', 'dit_cross', 'dit_in_context', 'dit_adaln', 'unet_pixel']) {
      if (manifest!.models[dit]) assert.is(textStates(manifest!, dit), 'hidden', dit);
    }
  } finally {
    await host.release();
  }
});

test.run();
