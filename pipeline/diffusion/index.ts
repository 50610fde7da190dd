/**
 * The DOM-free diffusion math: noise schedules, timestep spacing, the forward
 * process and prediction conversions, DDPM / DDIM steps, classifier-free
 * guidance and spacetime patches. Names follow Hugging Face diffusers.
 */
export * from './schedule';
export * from './timesteps';
export * from './forward';
export * from './samplers';
export * from './guidance';
export * from './patchify';
export * from './noise';
export type { FloatArray } from './tensor';
