// Plumbing fixtures for the runtime's unit tests: sessions whose `run` is plain
// JavaScript, so the queue, cancellation, backend choice and fallback can be
// tested in Node without any trained model. They stand in for onnxruntime
// sessions only; no test uses them as a stand-in for a real model's outputs.
import { createHash } from 'node:crypto';
import type { Manifest } from '../../pipeline/runtime/manifest';
import type { CreateSessionOptions, ModelSession, OrtModule } from '../../pipeline/runtime/ort';
import type { WebGpuSupport } from '../../pipeline/runtime/ort';
import { memoryWeights, type WeightSource } from '../../pipeline/runtime/weights';

export class FakeTensor {
  constructor(readonly type: string, readonly data: Float32Array | Int32Array, readonly dims: readonly number[]) {}
}

export type FakeFn = (inputs: Record<string, FakeTensor>, backend: string) => Record<string, FakeTensor> | Promise<Record<string, FakeTensor>>;

/** A JS denoiser: prediction = 0.5·latent + t/4000 + mean(context)/10, per batch row. Depends on every input. */
export const fakeDenoiser: FakeFn = (inputs) => {
  const { latent, timestep, context } = inputs;
  const B = latent.dims[0];
  const n = latent.data.length / B, c = context.data.length / B;
  const out = new Float32Array(latent.data.length);
  for (let b = 0; b < B; b++) {
    let mean = 0;
    for (let i = 0; i < c; i++) mean += context.data[b * c + i];
    mean /= c;
    for (let i = 0; i < n; i++) out[b * n + i] = 0.5 * latent.data[b * n + i] + timestep.data[b] / 4000 + mean / 10;
  }
  return { prediction: new FakeTensor('float32', out, latent.dims) };
};

/** A JS text encoder: hidden[b, k, j] = (id_k · (j + 1)) / 1000, pooled = first 64 of token 0. */
export const fakeTextEncoder: FakeFn = (inputs) => {
  const ids = inputs.tokens.data;
  const B = inputs.tokens.dims[0];
  const hidden = new Float32Array(B * 24 * 128);
  for (let b = 0; b < B; b++) for (let k = 0; k < 24; k++) for (let j = 0; j < 128; j++) hidden[(b * 24 + k) * 128 + j] = (ids[b * 24 + k] * (j + 1)) / 1000;
  const pooled = new Float32Array(B * 64);
  for (let b = 0; b < B; b++) pooled.set(hidden.subarray(b * 24 * 128, b * 24 * 128 + 64), b * 64);
  return { hidden: new FakeTensor('float32', hidden, [B, 24, 128]), pooled: new FakeTensor('float32', pooled, [B, 64]) };
};

/** A JS VAE decoder: pixel (f, c, y, x) = tanh(latent (f, c mod 4, y/4, x/4)). */
export const fakeVaeDecoder: FakeFn = (inputs) => {
  const { latent } = inputs;
  const [F, , h, w] = latent.dims;
  const H = h * 4, W = w * 4;
  const out = new Float32Array(F * 3 * H * W);
  for (let f = 0; f < F; f++) for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    out[((f * 3 + c) * H + y) * W + x] = Math.tanh(latent.data[((f * 4 + c) * h + (y >> 2)) * w + (x >> 2)]);
  }
  return { frames: new FakeTensor('float32', out, [F, 3, H, W]) };
};

export const fakeVaeEncoder: FakeFn = (inputs) => {
  const { frames } = inputs;
  const [F, , H, W] = frames.dims;
  const h = H / 4, w = W / 4;
  const out = new Float32Array(F * 4 * h * w);
  for (let f = 0; f < F; f++) for (let c = 0; c < 4; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    out[((f * 4 + c) * h + y) * w + x] = frames.data[((f * 3 + (c % 3)) * H + y * 4) * W + x * 4];
  }
  return { latent: new FakeTensor('float32', out, [F, 4, h, w]) };
};

export interface FakeWorld {
  manifest: Manifest;
  source: WeightSource;
  /** createSession for ModelHost: looks the bytes up and runs the matching JS function. */
  createSession: (bytes: Uint8Array, options: CreateSessionOptions) => Promise<ModelSession>;
  /** Calls made, in order: [model, backend]. */
  calls: [string, string][];
  /** The most calls ever running at once on one session (the queue keeps it at 1). */
  maxConcurrent: number;
  /** Make a backend fail: at session creation, or when running. */
  failures: { webgpuCreate?: string; webgpuRun?: string };
  /** Per-call delay, ms, by backend (to make one "faster"). */
  delay: Record<string, number>;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export const DENOISER_SETTINGS = {
  beta_schedule: 'squaredcos_cap_v2', num_train_timesteps: 1000, prediction_type: 'v_prediction', timestep_spacing: 'trailing',
  guidance_scale: 4, num_inference_steps: 30, sampler: 'ddim', trained_on: 'images and 8-frame clips',
} as const;

/** A manifest of fake models (bytes are just their names), and sessions that run the JS functions above. */
export function fakeWorld(fns: Record<string, FakeFn> = {}): FakeWorld {
  const all: Record<string, FakeFn> = { text_encoder: fakeTextEncoder, dit: fakeDenoiser, vae_decoder: fakeVaeDecoder, vae_encoder: fakeVaeEncoder, ...fns };
  const files: Record<string, Uint8Array> = {};
  const models: Manifest['models'] = {};
  const byBytes = new Map<string, string>();
  for (const name of Object.keys(all)) {
    const bytes = new TextEncoder().encode(`fake model ${name}`);
    files[`${name}.onnx`] = bytes;
    byBytes.set(sha(bytes), name);
    models[name] = { file: `${name}.onnx`, sha256: sha(bytes), bytes: bytes.length, ...(name === 'dit' || name.startsWith('den') ? DENOISER_SETTINGS : {}) };
  }
  const manifest: Manifest = { version: 1, models, vae: { scaling_factor: 0.5 } };
  const world: FakeWorld = {
    manifest,
    source: memoryWeights(manifest, files),
    calls: [],
    maxConcurrent: 0,
    failures: {},
    delay: { wasm: 0, webgpu: 0 },
    createSession: async (bytes, { backend }) => {
      const name = byBytes.get(sha(bytes));
      if (!name) throw new Error('fake createSession: unknown bytes');
      if (backend === 'webgpu' && world.failures.webgpuCreate) throw new Error(world.failures.webgpuCreate);
      let running = 0;
      const session = {
        inputNames: [],
        outputNames: [],
        inputMetadata: [],
        release: async () => undefined,
        run: async (inputs: Record<string, FakeTensor>) => {
          running++;
          world.maxConcurrent = Math.max(world.maxConcurrent, running);
          try {
            world.calls.push([name, backend]);
            await new Promise((r) => setTimeout(r, world.delay[backend] ?? 0));
            if (backend === 'webgpu' && world.failures.webgpuRun) throw new Error(world.failures.webgpuRun);
            return await all[name](inputs, backend);
          } finally {
            running--;
          }
        },
      };
      return { session: session as unknown as ModelSession['session'], backend, ort: { Tensor: FakeTensor } as unknown as OrtModule, placement: null };
    },
  };
  return world;
}

export const NO_WEBGPU: WebGpuSupport = { available: false, fallback: false, description: '', reason: 'no WebGPU in this test' };
export const HARDWARE_WEBGPU: WebGpuSupport = { available: true, fallback: false, description: 'test adapter' };
