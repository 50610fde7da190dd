// The model worker's file name carries a hash of its code, as the other chunks'
// names do (build.mjs: bundle, workerFileName): a host that caches by heuristics
// cannot pair an old worker with a new page, because a new worker is a new URL.
// The page's code names exactly that file, and the offline copy lists it. Two real
// production bundles into temporary folders (about 2 s each): the site's worker,
// and the same worker with one more statement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as buildModule from '../../build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const api = buildModule as unknown as {
  build(o: { outdir: string }): Promise<{ precache: { files: { path: string }[] } }>;
  bundle?(o: { outdir: string; entryPoints?: Record<string, string>; worker?: string }): Promise<{ workerFile: string }>;
  workerFileName?(code: string): string;
  MODEL_WORKER_FILE?: RegExp;
};
const HASHED = /^model-worker-[A-Z2-7]{8}\.js$/;

let tmp: string;
test.before(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'worker-name-'));
});
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** The worker files in a build, and every mention of a model-worker file name in its other scripts. */
function inspect(outdir: string) {
  const files = readdirSync(outdir);
  const workers = files.filter((f) => f.startsWith('model-worker') && f.endsWith('.js'));
  const mentions = new Set<string>();
  const mentionedIn: string[] = [];
  for (const f of files.filter((f) => (f.endsWith('.js') || f.endsWith('.mjs')) && !f.startsWith('model-worker') && f !== 'sw.js')) {
    const found = readFileSync(path.join(outdir, f), 'utf8').match(/model-worker[\w.-]*/g) ?? [];
    if (found.length) mentionedIn.push(f);
    for (const m of found) mentions.add(m);
  }
  return { files, workers, mentions: [...mentions], mentionedIn };
}

test('the naming step: model-worker-<8 base32 characters>.js from the code, the same for the same code, another for other code; the source-map comment is not part of it', () => {
  assert.type(api.workerFileName, 'function', 'build.mjs exports workerFileName');
  const a = api.workerFileName!('import"./chunk-A.js";self.onmessage=()=>{};\n');
  assert.match(a, HASHED);
  assert.is(api.workerFileName!('import"./chunk-A.js";self.onmessage=()=>{};\n'), a);
  assert.is.not(api.workerFileName!('import"./chunk-B.js";self.onmessage=()=>{};\n'), a, 'a shared chunk with a new hash makes a new worker name');
  assert.is(api.workerFileName!('import"./chunk-A.js";self.onmessage=()=>{};\n//# sourceMappingURL=model-worker.js.map\n'), a);
  assert.ok(api.MODEL_WORKER_FILE instanceof RegExp && api.MODEL_WORKER_FILE.test(a) && !api.MODEL_WORKER_FILE.test('model-worker.js'), 'MODEL_WORKER_FILE matches hashed names only');
});

test('npm run build: the worker has a hashed name, the page names exactly it, the offline copy lists it; a changed worker gets a new name', async () => {
  const t0 = performance.now();
  const outA = path.join(tmp, 'a');
  const { precache } = await api.build({ outdir: outA });
  const a = inspect(outA);
  assert.is(a.workers.length, 1, `one worker file: ${a.workers.join(', ')}`);
  const worker = a.workers[0];
  assert.match(worker, HASHED);
  assert.ok(a.files.includes(`${worker}.map`), 'its source map beside it');
  assert.is(api.workerFileName!(readFileSync(path.join(outA, worker), 'utf8')), worker, 'the name is the hash of the file as written');
  assert.match(readFileSync(path.join(outA, worker), 'utf8'), `//# sourceMappingURL=${worker}.map`);
  assert.equal(a.mentions, [worker], `the page's scripts name the worker exactly: ${a.mentions.join(', ')}`);
  assert.ok(a.mentionedIn.length >= 1);
  const listed = precache.files.map((f) => f.path);
  assert.ok(listed.includes(worker), 'the precache manifest lists the worker');
  assert.not.ok(listed.includes('model-worker.js'));
  const manifest = JSON.parse(readFileSync(path.join(outA, 'precache-manifest.json'), 'utf8')) as { files: { path: string }[] };
  assert.ok(manifest.files.some((f) => f.path === worker), 'dist/precache-manifest.json lists it');

  // the same sources again: the same name (a build is reproducible)
  assert.type(api.bundle, 'function', 'build.mjs exports bundle');
  const outSame = path.join(tmp, 'same');
  assert.is((await api.bundle!({ outdir: outSame })).workerFile, worker);

  // one statement more in the worker: a new name, and the page names the new one
  const variant = path.join(tmp, 'worker-variant.ts');
  writeFileSync(variant, `import ${JSON.stringify(path.join(root, 'pipeline/worker/model-worker.ts'))};\n(globalThis as { variant?: number }).variant = 1;\n`);
  const outB = path.join(tmp, 'b');
  const { workerFile } = await api.bundle!({ outdir: outB, worker: variant });
  const b = inspect(outB);
  assert.equal(b.workers, [workerFile]);
  assert.match(workerFile, HASHED);
  assert.is.not(workerFile, worker, 'a changed worker has a new name');
  assert.equal(b.mentions, [workerFile], `the page's scripts name the new worker: ${b.mentions.join(', ')}`);
  console.log(`      ${worker} -> ${workerFile}; three bundles in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});

test.run();
