// The notation and the terms the chapters share, and links from the prose to their
// glossary entries. The glossary itself is plain HTML in index.html (section#notation),
// so its anchors work before any script runs; the ids here must match it (a browser
// test checks). Each entry's `definition` is the one line a hover, focus or tap on
// the term shows (components/shell/notation-term.ts); the glossary says more.
//
//   html`the noise level ${term('alphaBar')} falls as ${term('t')} grows`
//   html`a ${term('vae', 'variational autoencoder')} squeezes each frame`
import { html, type TemplateResult } from 'lit';
import './notation-term';

export interface NotationEntry {
  /** The glossary entry's id in index.html. */
  id: string;
  /** As the prose and the glossary write it. */
  symbol: TemplateResult | string;
  /** A short name (a symbol's reading in words). */
  name: string;
  /** One line, plain text: what the popover shows after the symbol. */
  definition: string;
  /** A word or abbreviation (DDPM, adaLN), set upright; symbols are italic. */
  word?: boolean;
}

export const NOTATION = {
  xt: { id: 'n-x-t', symbol: html`x<sub>t</sub>`, name: 'the noised sample at timestep t', definition: 'the sample at timestep t: the clean sample scaled by √ᾱ, plus noise ε scaled by √(1 − ᾱ).' },
  x0: { id: 'n-x-0', symbol: html`x<sub>0</sub>`, name: 'the clean sample', definition: 'the clean sample: an image, a clip or its latent, before any noise.' },
  eps: { id: 'n-epsilon', symbol: html`ε`, name: 'the noise', definition: 'Gaussian noise, mean 0 and variance 1, drawn independently for every number of the sample.' },
  epsHat: { id: 'n-epsilon-hat', symbol: html`ε̂`, name: 'the predicted noise', definition: 'the noise the denoiser sees in the noised sample, worked out here from its prediction of v.' },
  x0Hat: { id: 'n-x-0-hat', symbol: html`x̂<sub>0</sub>`, name: 'the denoiser’s estimate of the clean sample', definition: 'the denoiser’s estimate of the clean sample at a step; a sampler moves towards it.' },
  v: { id: 'n-velocity', symbol: html`v`, name: 'the velocity, what every denoiser here predicts', definition: 'the velocity √ᾱ·ε − √(1 − ᾱ)·x₀, what every denoiser here is trained to predict.' },
  eta: { id: 'n-eta', symbol: html`η`, name: 'how much fresh noise a DDIM step adds', definition: 'how much fresh noise a DDIM step adds back: 0 adds none (deterministic), 1 as much as DDPM.' },
  alphaBar: { id: 'n-alpha-bar', symbol: html`ᾱ<sub>t</sub>`, name: 'the signal kept at timestep t', definition: 'the share of the signal’s variance left at timestep t, the product of (1 − β) up to t: near 1 early, near 0 at the end.' },
  beta: { id: 'n-beta', symbol: html`β<sub>t</sub>`, name: 'the noise added at step t', definition: 'the variance of the noise added at step t; the list of them is the noise schedule.' },
  snr: { id: 'n-snr', symbol: html`SNR`, name: 'the signal-to-noise ratio', definition: 'the signal-to-noise ratio at timestep t, ᾱ / (1 − ᾱ).' },
  t: { id: 'n-timestep', symbol: html`t`, name: 'the timestep', definition: 'the timestep, how far the noising has gone: from 0 (barely noisy) to T − 1 (all noise, or nearly).' },
  T: { id: 'n-steps', symbol: html`T`, name: 'the number of timesteps', definition: 'the number of timesteps the model was trained with (1000 here); a sampler visits only some.' },
  s: { id: 'n-guidance-scale', symbol: html`s`, name: 'the guidance scale', definition: 'the classifier-free guidance scale: ε̂ = ε̂_uncond + s·(ε̂_cond − ε̂_uncond); 1 is the plain conditional model.' },
  z: { id: 'n-latent', symbol: html`z`, name: 'a latent', definition: 'a latent: the VAE encoder’s compact code for a frame (8 × 8 × 4 numbers here).' },
  // terms: words and abbreviations, in the order the chapters first use them
  ddpm: { id: 'n-ddpm', symbol: 'DDPM', word: true, name: 'denoising diffusion probabilistic models', definition: 'Denoising Diffusion Probabilistic Models (Ho et al. 2020): the sampler that steps to the next timestep and adds fresh noise at each step but the last.' },
  ddim: { id: 'n-ddim', symbol: 'DDIM', word: true, name: 'denoising diffusion implicit models', definition: 'Denoising Diffusion Implicit Models (Song et al. 2021): a sampler for the same trained model that can add no fresh noise (η = 0), so the start decides the result.' },
  trailing: { id: 'n-trailing', symbol: 'trailing', word: true, name: 'trailing timestep spacing', definition: 'diffusers’ timestep spacing that starts sampling at the last timestep, T − 1, and steps down evenly (999, 899, …, 99 for 10 steps).' },
  flops: { id: 'n-flops', symbol: 'FLOPs', word: true, name: 'floating-point operations', definition: 'floating-point operations, the work a network call does; a multiply-add counts as 2.' },
  vae: { id: 'n-vae', symbol: 'VAE', word: true, name: 'variational autoencoder', definition: 'variational autoencoder: an encoder gives a mean and a spread per latent number, a sample from them is decoded, and a KL term keeps them close to N(0, 1).' },
  kl: { id: 'n-kl', symbol: 'KL', word: true, name: 'Kullback–Leibler divergence', definition: 'Kullback–Leibler divergence, how far one distribution is from another; the VAE’s ½(μ² + σ² − log σ² − 1) per latent number.' },
  crossAttention: { id: 'n-cross-attention', symbol: 'cross-attention', word: true, name: 'cross-attention', definition: 'attention whose queries come from the image tokens and whose keys and values come from the text, so each place reads the words it needs.' },
  adaln: { id: 'n-adaln', symbol: 'adaLN', word: true, name: 'adaptive layer norm', definition: 'adaptive layer norm: each block’s shifts, scales (and, in adaLN-Zero, gates) are computed from the conditioning, here the timestep’s embedding.' },
  daam: { id: 'n-daam', symbol: 'DAAM', word: true, name: 'diffusion attentive attribution maps', definition: 'Diffusion Attentive Attribution Maps (Tang et al. 2022): a word’s cross-attention averaged over heads, layers and steps, as a map of where it acts.' },
  promptToPrompt: { id: 'n-prompt-to-prompt', symbol: 'prompt-to-prompt', word: true, name: 'prompt-to-prompt editing', definition: 'Hertz et al. 2022: edit a picture by changing its prompt while reusing the first run’s cross-attention maps, which keep the layout.' },
} as const satisfies Record<string, NotationEntry>;

export type NotationKey = keyof typeof NOTATION;

/** A notation symbol or term in running prose, linked to its glossary entry, its definition shown on hover, focus or tap; `text` replaces the symbol as written (a plural, a capital, the words in full). */
export function term(key: NotationKey, text?: TemplateResult | string): TemplateResult {
  const n: NotationEntry = NOTATION[key];
  return html`<notation-term href="#${n.id}" definition=${n.definition} ?word=${n.word ?? false} .symbol=${n.symbol}>${text ?? n.symbol}</notation-term>`;
}
