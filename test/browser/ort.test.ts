// onnxruntime-web in Chromium, through pipeline/runtime/ort.ts, bundled as the site
// bundles it: the tiny ONNX model on WASM and on WebGPU (SwiftShader when headless)
// gives the same outputs as onnxruntime in Node and as the plain-JS reference.
// WASM sessions come from the plain WASM build (ort-wasm-simd-threaded.wasm), and a
// page that runs nothing on WebGPU never downloads the WebGPU build's runtime.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import type { StaticServer } from '../../build.mjs';
import { createSession, ort } from '../../pipeline/runtime/ort';
import { assertClean, launchChromium, serve, watchedPage, within, type WatchedPage } from '../helpers/browser';
import { TINY, tinyInput, tinyModel, tinyReference } from '../helpers/tiny-onnx';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pageDir = path.join(root, '.cache', 'browser-test', 'ort');
const TOL = 1e-5;

let browser: Browser;
let isolated: StaticServer; // COOP/COEP, at a sub-path
let plain: StaticServer; // no isolation headers, as most static hosts
let node: { features: number[]; y: number[] };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

type TinyResult = Awaited<ReturnType<Window['ortPage']['runTiny']>>;

async function open(server: StaticServer, query = ''): Promise<WatchedPage> {
  const w = await watchedPage(browser, server.url);
  await w.page.goto(server.url + query);
  await w.page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 });
  return w;
}

function checkOutputs(got: TinyResult, what: string) {
  const dFeatures = maxAbsDiff(got.features, node.features);
  const dY = maxAbsDiff(got.y, node.y);
  assert.ok(dFeatures < TOL && dY < TOL, `${what} vs Node: max |Δ| features ${dFeatures}, y ${dY}`);
  const ref = tinyReference(tinyInput());
  assert.ok(maxAbsDiff(got.y, ref.y) < TOL, `${what} vs the JS reference`);
}

test.before(async () => {
  browser = await launchChromium({ webgpu: true });
  isolated = await serve(pageDir, { base: '/some/sub/path/' });
  plain = await serve(pageDir, { isolation: false });
  const s = await createSession(tinyModel(), { backend: 'wasm' });
  const out = await s.session.run({ x: new ort.Tensor('float32', tinyInput(), [1, TINY.inC, TINY.h, TINY.w]) });
  node = { features: Array.from(out.features.data as Float32Array), y: Array.from(out.y.data as Float32Array) };
  await s.session.release();
});

test.after(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

test('WASM in Chromium (cross-origin isolated, served at a sub-path) matches Node', async () => {
  const w = await open(isolated);
  try {
    const env = await w.page.evaluate(async () => ({ ...window.ortPage.env, isolated: crossOriginIsolated, ort: await window.ortPage.ortEnv() }));
    assert.ok(env.isolated, 'the COOP/COEP headers make the page cross-origin isolated');
    assert.ok(env.ort.wasmPaths.startsWith(isolated.url), `wasmPaths points next to the bundle: ${env.ort.wasmPaths}`);
    const got = await within(120_000, 'WASM run', w.page.evaluate(() => window.ortPage.runTiny('wasm')));
    checkOutputs(got, 'WASM');
    assert.is(got.report.ran, 'wasm');
    assert.ok(got.report.measured, 'the node placement was read from onnxruntime');
    assert.equal(Object.keys(got.report.nodes ?? {}), ['CPUExecutionProvider']);
    assert.ok(w.requests.some((u) => u.endsWith('/ort-wasm-simd-threaded.wasm')), 'the plain WASM build ran it');
    assert.not.ok(w.requests.some((u) => u.includes('asyncify')), `the WebGPU build's runtime was not downloaded: ${w.requests.join(', ')}`);
    assert.equal(await w.page.evaluate(() => window.ortPage.loadedBuilds()), ['wasm']);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('WASM with two threads (isolated page) matches Node', async () => {
  const w = await open(isolated, '?threads=2');
  try {
    const env = await w.page.evaluate(() => window.ortPage.ortEnv());
    assert.is(env.numThreads, 2);
    assert.is((await w.page.evaluate(() => window.ortPage.ortEnv('webgpu'))).numThreads, 2, 'both builds get the same environment');
    const got = await within(120_000, 'threaded WASM run', w.page.evaluate(() => window.ortPage.runTiny('wasm')));
    checkOutputs(got, 'WASM, 2 threads');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('without COOP/COEP (a plain static host): one thread, and it still runs', async () => {
  const w = await open(plain);
  try {
    const env = await w.page.evaluate(() => ({ ...window.ortPage.env, isolated: crossOriginIsolated }));
    assert.is(env.isolated, false);
    assert.is(env.numThreads, 1);
    const got = await within(120_000, 'WASM run', w.page.evaluate(() => window.ortPage.runTiny('wasm')));
    checkOutputs(got, 'WASM, not isolated');
    assertClean(w);
  } finally {
    await w.close();
  }
});

test('WebGPU (executionProviders: ["webgpu"] alone): every node on WebGPU, same outputs', async () => {
  const w = await open(isolated);
  try {
    const support = await w.page.evaluate(() => window.ortPage.webgpuSupport());
    if (!support.available) {
      // Not a silent pass: say why WebGPU could not be tested here.
      assert.unreachable(`WebGPU is not available in headless Chromium here: ${support.reason}`);
    }
    console.log(`      WebGPU adapter: ${support.description || '(no description)'}${support.fallback ? ' (software fallback adapter)' : ''}`);
    const got = await within(240_000, 'WebGPU run', w.page.evaluate(() => window.ortPage.runTiny('webgpu')));
    assert.is(got.report.requested, 'webgpu');
    assert.ok(got.report.measured, 'the node placement was read from onnxruntime');
    assert.is(got.report.ran, 'webgpu', `placement: ${JSON.stringify(got.report.nodes)}`);
    assert.equal(Object.keys(got.report.nodes ?? {}), ['WebGpuExecutionProvider']);
    assert.ok((got.report.nodes?.WebGpuExecutionProvider ?? 0) >= 3);
    console.log(`      WebGPU placement: ${JSON.stringify(got.report.nodes)} → "${got.report.label}"`);
    checkOutputs(got, 'WebGPU');
    assert.ok(w.requests.some((u) => u.endsWith('/ort-wasm-simd-threaded.asyncify.wasm')), 'the WebGPU build ran it');
    assert.equal(await w.page.evaluate(() => window.ortPage.loadedBuilds()), ['webgpu']);
    assertClean(w);
  } finally {
    await w.close();
  }
});

test.run();
