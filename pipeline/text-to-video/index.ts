/**
 * The text-to-video pipeline the chapters (through the model worker) and
 * `npm run generate` (in Node) both run: prompt → text encoder → denoiser,
 * step by step, with classifier-free guidance → VAE decoder → frames → judge.
 * Every function takes a ModelRunner (pipeline/runtime/models.ts), so the same
 * code runs in the worker and in Node. DOM-free.
 */
export * from './contexts';
export * from './prompt';
export * from './sample';
export * from './vae';
export * from './clip';
