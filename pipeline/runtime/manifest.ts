// weights/manifest.json, read and checked: the models, their files, sizes and
// sha256, and the settings the pipeline needs (the VAE's scaling factor, each
// denoiser's schedule, prediction type, sampler and default guidance).
// Written by weights/train/manifest.py; DOM-free.
import { makeSchedule, type BetaSchedule, type NoiseSchedule } from '../diffusion/schedule';
import type { PredictionType } from '../diffusion/forward';
import type { TimestepSpacing } from '../diffusion/timesteps';

export interface ManifestModel {
  /** File name relative to the weights folder, e.g. "dit.onnx". */
  file: string;
  /** Hex sha256 of the file. */
  sha256: string;
  bytes: number;
  params?: number;
  flops?: number;
  inputs?: Record<string, string>;
  outputs?: Record<string, string>;
  stage?: string;
  purpose?: string;
  // Denoisers only:
  beta_schedule?: BetaSchedule;
  num_train_timesteps?: number;
  prediction_type?: PredictionType;
  timestep_spacing?: TimestepSpacing;
  guidance_scale?: number;
  num_inference_steps?: number;
  sampler?: SamplerName;
  space?: 'latent' | 'pixel';
  /** A clip denoiser trained on noise its frames share: a of ε_f = (a·ε_shared + ε_f′)/√(1 + a²); absent: 0. */
  shared_noise?: number;
  /** The a its weights were trained at, where the page samples with another (weights/train/reexport.py --shared-noise). */
  shared_noise_trained?: number;
  [key: string]: unknown;
}

export type SamplerName = 'ddim' | 'ddpm';
export const SAMPLERS: readonly SamplerName[] = ['ddim', 'ddpm'];

export interface Manifest {
  version: number;
  models: Record<string, ManifestModel>;
  vae?: { scaling_factor: number; latent_channels?: number; downsample?: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** A denoiser's settings, with the manifest's names turned into the diffusion code's. */
export interface DenoiserSettings {
  betaSchedule: BetaSchedule;
  numTrainTimesteps: number;
  predictionType: PredictionType;
  timestepSpacing: TimestepSpacing;
  guidanceScale: number;
  numInferenceSteps: number;
  sampler: SamplerName;
  /** The frames' shared part of the noise the denoiser was trained on (diffusion/noise.ts); 0 for most. */
  sharedNoise: number;
}

/** An error about the weights: the model (manifest name) it concerns, and what went wrong. */
export class WeightsError extends Error {
  constructor(
    message: string,
    readonly model: string | null,
    readonly kind: 'not-in-manifest' | 'missing' | 'corrupt' | 'download' | 'manifest',
  ) {
    super(message);
    this.name = 'WeightsError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * A model's file: a relative path under the weights folder on this origin, as weights/train/manifest.py
 * writes it ("dit.onnx", "snapshots/dit_snap4.onnx"). Segments of letters, digits, '_', '-' and '.',
 * none starting with '.'; '/' between them. So no scheme or host ("https://…", "//…", "c:"), no
 * leading '/', no '.' or '..' segment, no backslash, no percent escape (a URL reads "%2e%2e" as
 * ".."), no query or fragment, no space or control character.
 */
const RELATIVE_ONNX = /^(?:[A-Za-z0-9_-][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.onnx$/;
const MAX_FILE_CHARS = 200;

function isRelativeFile(file: unknown): file is string {
  if (typeof file !== 'string' || file.length > MAX_FILE_CHARS || !RELATIVE_ONNX.test(file)) return false;
  // and, resolved as the page resolves it, it stays under the weights folder
  const base = 'https://origin.invalid/site/weights/';
  const url = new URL(file, base);
  return url.origin === 'https://origin.invalid' && url.href === `${base}${file}`;
}

/** Checks the shape of a parsed manifest.json; throws a WeightsError that says what is wrong. */
export function parseManifest(json: unknown): Manifest {
  const bad = (why: string) => new WeightsError(`weights/manifest.json is not valid: ${why}`, null, 'manifest');
  if (!json || typeof json !== 'object') throw bad('not a JSON object');
  const m = json as Manifest;
  if (!m.models || typeof m.models !== 'object') throw bad('no "models"');
  for (const [name, e] of Object.entries(m.models)) {
    if (!e || !isRelativeFile(e.file) || e.file.includes('..')) throw bad(`${name}: bad "file"`);
    if (typeof e.sha256 !== 'string' || !HEX64.test(e.sha256)) throw bad(`${name}: bad "sha256"`);
    if (!Number.isInteger(e.bytes) || e.bytes <= 0) throw bad(`${name}: bad "bytes"`);
  }
  if (m.vae !== undefined && !(typeof m.vae.scaling_factor === 'number' && m.vae.scaling_factor > 0)) throw bad('vae.scaling_factor must be a positive number');
  return m;
}

/** The manifest entry of `name`, or a WeightsError naming what the manifest does list. */
export function modelEntry(manifest: Manifest, name: string): ManifestModel {
  const e = Object.hasOwn(manifest.models, name) ? manifest.models[name] : undefined;
  if (!e) {
    const listed = Object.keys(manifest.models);
    throw new WeightsError(
      `the model "${name}" is not in weights/manifest.json yet (it lists ${listed.length ? listed.join(', ') : 'no model'})`,
      name,
      'not-in-manifest',
    );
  }
  return e;
}

export function hasModels(manifest: Manifest, names: readonly string[]): boolean {
  return names.every((n) => Object.hasOwn(manifest.models, n));
}

/** The VAE latent's scale: denoisers work on latent · scalingFactor. */
export function vaeScalingFactor(manifest: Manifest): number {
  const s = manifest.vae?.scaling_factor;
  if (typeof s !== 'number' || !(s > 0)) throw new WeightsError('weights/manifest.json has no vae.scaling_factor', 'vae_decoder', 'manifest');
  return s;
}

/** A denoiser's settings from its manifest entry; a missing setting is an error, not a guess. */
export function denoiserSettings(manifest: Manifest, name: string): DenoiserSettings {
  const e = modelEntry(manifest, name);
  const need = <K extends keyof ManifestModel>(key: K): NonNullable<ManifestModel[K]> => {
    const v = e[key];
    if (v === undefined || v === null) throw new WeightsError(`weights/manifest.json: "${name}" has no ${String(key)}; is it a denoiser?`, name, 'manifest');
    return v as NonNullable<ManifestModel[K]>;
  };
  const sampler = need('sampler');
  if (!SAMPLERS.includes(sampler)) throw new WeightsError(`weights/manifest.json: "${name}" has an unknown sampler ${sampler}`, name, 'manifest');
  return {
    betaSchedule: need('beta_schedule'),
    numTrainTimesteps: need('num_train_timesteps'),
    predictionType: need('prediction_type'),
    timestepSpacing: need('timestep_spacing'),
    guidanceScale: need('guidance_scale'),
    numInferenceSteps: need('num_inference_steps'),
    sampler,
    sharedNoise: sharedNoiseOf(e, name),
  };
}

/** A denoiser's noise schedule: its manifest entry's beta schedule over its training timesteps. */
export function scheduleOf(manifest: Manifest, name: string): NoiseSchedule {
  const { betaSchedule, numTrainTimesteps } = denoiserSettings(manifest, name);
  return makeSchedule({ betaSchedule, numTrainTimesteps });
}

function sharedNoiseOf(e: ManifestModel, name: string): number {
  const a = e.shared_noise ?? 0;
  if (typeof a !== 'number' || !Number.isFinite(a) || a < 0 || a > 10) {
    throw new WeightsError(`weights/manifest.json: "${name}" has a shared_noise of ${String(a)}; expected a number in [0, 10]`, name, 'manifest');
  }
  return a;
}

/** The identity of the file an entry names: its name and sha256. Entries with the same key share one file. */
export function fileKey(entry: Pick<ManifestModel, 'file' | 'sha256'>): string {
  return `${entry.file}?sha256=${entry.sha256}`;
}

/** Whether two manifest entries name the same file (a model and its inspect twin). */
export function sameFile(manifest: Manifest, a: string, b: string): boolean {
  return fileKey(modelEntry(manifest, a)) === fileKey(modelEntry(manifest, b));
}

/** Total bytes of some models (those the manifest lists), a file shared by two of them counted once. */
export function totalBytes(manifest: Manifest, names: readonly string[]): number {
  const files = new Map<string, number>();
  for (const n of names) {
    const e = Object.hasOwn(manifest.models, n) ? manifest.models[n] : undefined;
    if (e) files.set(e.file, e.bytes);
  }
  return [...files.values()].reduce((s, b) => s + b, 0);
}

/** "3.6 MB", "470 kB". */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} B`;
}
