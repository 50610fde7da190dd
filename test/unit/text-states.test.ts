// The committed text encoder's two per-token outputs, run with onnxruntime-web in
// Node: `hidden` (the CLIP text tower's) is nearly a bag of words, `phrases` (after
// the context blocks) tells "a cyan triangle and a green square" from "a green
// triangle and a cyan square" at the shape tokens; and each denoiser's manifest
// entry names the one it was trained on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ModelHost } from '../../pipeline/runtime/models';
import { fileWeights, readManifestIfAny } from '../../pipeline/runtime/weights-node';
import { encodePrompt, statesRead, textStates } from '../../pipeline/text-to-video/prompt';
import type { Manifest } from '../../pipeline/runtime/manifest';

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
(hasPhrases ? test : test.skip)('the text encoder: hidden barely changes when two colours swap, phrases does; the U-Net reads phrases, the models trained before the context blocks hidden', async () => {
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
    assert.is(textStates(manifest!, 'dit_inspect'), textStates(manifest!, 'dit'), 'a model and its inspect twin read the same states');
    // trained before the context blocks existed
    for (const m of ['dit_snap4', 'dit_snap16', 'dit_cross', 'dit_in_context', 'dit_adaln', 'unet_pixel']) {
      if (manifest!.models[m]) assert.is(textStates(manifest!, m), 'hidden', m);
    }
  } finally {
    await host.release();
  }
});

test('statesRead: the output the manifest names, and a clear error when the text encoder lacks it', () => {
  const entry = { file: 'x.onnx', sha256: '0'.repeat(64), bytes: 1 };
  const m: Manifest = { version: 1, models: { a: { ...entry }, b: { ...entry, text_states: 'phrases' } } };
  const hidden = new Float32Array([1]), phrases = new Float32Array([2]);
  assert.is(statesRead(m, 'a', { hidden, phrases }), hidden);
  assert.is(statesRead(m, 'b', { hidden, phrases }), phrases);
  assert.throws(() => statesRead(m, 'b', { hidden }), /reads the text encoder's phrases output/);
});

test.run();
