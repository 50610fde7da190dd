// Shared by the bench suites (a file starting with _ is no suite): the runtime test page
// (test/browser/fixtures/runtime-page.ts, bundled as the site is, with the bench worker
// test/browser/fixtures/ort-bench-worker.ts) and the models of weights/manifest.json (or
// $SORA_WEIGHTS_DIR) copied beside it, served.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export function weightsDir(ctx) {
  return process.env.SORA_WEIGHTS_DIR || path.join(ctx.root, 'weights');
}

export function readManifest(ctx) {
  const file = path.join(weightsDir(ctx), 'manifest.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { models: {} };
}

/** The runtime test page with the committed weights copied beside it; its URL. */
export async function runtimePage(ctx, name) {
  const dir = weightsDir(ctx);
  const manifest = readManifest(ctx);
  const outdir = path.join(ctx.root, '.cache', 'bench', name);
  await ctx.buildTestPage({
    entry: 'test/browser/fixtures/runtime-page.ts',
    outdir,
    title: `${name} bench`,
    entries: { 'ort-bench-worker': 'test/browser/fixtures/ort-bench-worker.ts' },
  });
  const wdir = path.join(outdir, 'weights');
  rmSync(wdir, { recursive: true, force: true });
  mkdirSync(wdir, { recursive: true });
  copyFileSync(path.join(dir, 'manifest.json'), path.join(wdir, 'manifest.json'));
  for (const e of Object.values(manifest.models)) if (existsSync(path.join(dir, e.file))) copyFileSync(path.join(dir, e.file), path.join(wdir, e.file));
  const server = await ctx.serve(outdir);
  return { url: server.url, manifest };
}

