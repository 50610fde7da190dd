// Export checks (issue 4): every golden file in weights/golden/ (written by the
// PyTorch code, weights/train/common.py write_golden) holds fixed inputs and
// PyTorch's outputs for one ONNX file, stamped with that file's sha256. Here:
// the stamp equals the committed file's sha256 and the manifest's, and
// onnxruntime-web (the WASM build the page uses, in Node) gives every output
// within the golden file's tolerance.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSession, tensor } from '../../pipeline/runtime/ort';
import { readManifestIfAny, WEIGHTS_DIR } from '../../pipeline/runtime/weights-node';

interface GoldenTensor {
  dtype: 'float32' | 'int32' | 'int64';
  shape: number[];
  data: string;
}

interface Golden {
  model: string;
  sha256: string;
  tolerance: number;
  inputs: Record<string, GoldenTensor>;
  outputs: Record<string, GoldenTensor>;
}

const GOLDEN_DIR = path.join(WEIGHTS_DIR, 'golden');

function decode(t: GoldenTensor): Float32Array | Int32Array | BigInt64Array {
  const raw = Buffer.from(t.data, 'base64');
  const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  const a = t.dtype === 'float32' ? new Float32Array(buf) : t.dtype === 'int32' ? new Int32Array(buf) : new BigInt64Array(buf);
  const n = t.shape.reduce((p, d) => p * d, 1);
  if (a.length !== n) throw new Error(`golden tensor: ${a.length} values for shape [${t.shape}]`);
  return a;
}

const files = existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort() : [];
const manifest = readManifestIfAny();

if (files.length === 0) {
  console.log('  golden: weights/golden/ holds no golden file yet: nothing to replay (skipped)');
  test.skip('golden files: none exported yet', () => undefined);
}

for (const file of files) {
  const golden = JSON.parse(readFileSync(path.join(GOLDEN_DIR, file), 'utf8')) as Golden;
  test(`golden ${file}: ${golden.model} is the stamped file, in the manifest, and onnxruntime-web matches PyTorch within ${golden.tolerance}`, async () => {
    const onnxPath = path.join(WEIGHTS_DIR, golden.model);
    assert.ok(existsSync(onnxPath), `${golden.model} is missing from weights/ (the golden file ${file} belongs to it)`);
    const bytes = new Uint8Array(readFileSync(onnxPath));
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.is(sha, golden.sha256, `${golden.model}: the committed file is not the one ${file} was written for`);
    assert.ok(manifest, 'weights/manifest.json is missing');
    // One entry a file, or two where a model and its inspect twin share it (dit, dit_inspect).
    const entries = Object.entries(manifest!.models).filter(([, e]) => e.file === golden.model);
    assert.ok(entries.length >= 1 && entries.length <= 2, `the manifest lists ${golden.model} ${entries.length} times`);
    for (const [name, entry] of entries) {
      assert.is(entry.sha256, sha, `manifest.json's sha256 of ${name} is not the committed file's`);
      assert.is(entry.bytes, bytes.length, `manifest.json's size of ${name}`);
    }

    const s = await createSession(bytes, { backend: 'wasm' });
    try {
      const feeds: Record<string, ReturnType<typeof tensor>> = {};
      // Every input the graph names comes from the golden file; one the exporter dropped (the adaLN
      // DiT reads no context) is left out, as the runtime leaves it out.
      const missing = s.session.inputNames.filter((k) => !(k in golden.inputs));
      assert.equal(missing, [], `the golden file lacks inputs the model takes`);
      for (const [k, t] of Object.entries(golden.inputs)) {
        if (s.session.inputNames.includes(k)) feeds[k] = tensor(s, t.dtype as 'float32', decode(t) as Float32Array, t.shape);
      }
      const out = await s.session.run(feeds);
      assert.equal([...Object.keys(golden.outputs)].sort(), [...s.session.outputNames].sort(), 'the outputs the golden file has are the model\'s');
      for (const [name, entry] of entries) {
        const listed = Object.keys(entry.outputs ?? {});
        assert.ok(listed.every((o) => s.session.outputNames.includes(o)), `${name} lists outputs ${listed.join(', ')}; the file has ${s.session.outputNames.join(', ')}`);
      }
      for (const [k, t] of Object.entries(golden.outputs)) {
        const want = decode(t);
        const got = out[k];
        assert.equal([...got.dims], t.shape, `${k}: shape`);
        let worst = 0, at = -1;
        const g = got.data as ArrayLike<number | bigint>;
        for (let i = 0; i < want.length; i++) {
          const d = Math.abs(Number(g[i]) - Number(want[i]));
          if (!(d <= worst)) {
            worst = d;
            at = i;
          }
        }
        assert.ok(worst <= golden.tolerance, `${golden.model} ${k}: max |Δ| ${worst} at ${at} (onnxruntime ${Number(g[at])}, PyTorch ${Number(want[at])}) > ${golden.tolerance}`);
      }
    } finally {
      await s.session.release();
    }
  });
}

test.run();
