// Before the browser tests: the production build (so the tests test what ships),
// and the test pages, bundled the same way, under .cache/browser-test/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildTestPage } from '../../build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const t0 = Date.now();
await build();
await buildTestPage({
  entry: 'test/browser/fixtures/ort-page.ts',
  outdir: path.join(root, '.cache', 'browser-test', 'ort'),
  title: 'onnxruntime-web test page',
});
await buildTestPage({
  entry: 'test/browser/fixtures/components-page.ts',
  outdir: path.join(root, '.cache', 'browser-test', 'components'),
  title: 'components test page',
});
console.log(`browser tests: built dist/ and the test pages in ${Date.now() - t0} ms`);
