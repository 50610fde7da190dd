// <why-transformer>: why Sora is a Diffusion Transformer when the U-Net does as
// well here. The DiT paper's scaling result (compute per forward pass, not
// parameters, predicts quality), a transformer's uniform handling of any number
// of spacetime tokens (Sora's native sizes), and, honestly, how the two
// denoisers of this page compare on images: the judge's evaluation of each
// (weights/eval/*.json, read at build time), their FLOPs a call and training
// from the manifest, and chapter 7's checkpoints for compute on this page.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { prose } from '../../components/styles';
import { compareImageCategories, ditAnatomy, DIT_CONFIG, type CategoryRow } from '../../pipeline/lessons/denoiser-anatomy';
import type { Manifest } from '../../pipeline/runtime/manifest';
import ditEval from '../../weights/eval/dit.json';
import unetEval from '../../weights/eval/unet.json';
import { DIT, UNET } from './state';

/** The judge's image categories, the U-Net's evaluation against the DiT's (a: U-Net, b: DiT). */
export const IMAGE_ROWS: CategoryRow[] = compareImageCategories(unetEval, ditEval);

const pct = (x: number) => `${Math.round(x * 100)} %`;

@customElement('why-transformer')
export class WhyTransformer extends LitElement {
  static styles = [
    prose,
    css`
      :host {
        display: block;
      }
      table {
        border-collapse: collapse;
        margin: 0.5rem 0 0.4rem;
        font-size: 0.95rem;
        font-variant-numeric: tabular-nums;
      }
      p.note {
        font-size: 0.85rem;
        color: var(--muted);
        margin-top: 0;
      }
      th,
      td {
        padding: 0.2rem 0.8rem 0.2rem 0;
        text-align: right;
        border-bottom: 1px solid var(--rule);
      }
      th:first-child,
      td:first-child {
        text-align: left;
      }
      td.lead {
        font-weight: 700;
      }
    `,
  ];

  @property({ attribute: false }) manifest: Manifest | null = null;

  /** What the judge's evaluation says, counted: categories where each is ahead with the intervals apart. */
  get tally() {
    return { unet: IMAGE_ROWS.filter((r) => r.lead === 'a').length, dit: IMAGE_ROWS.filter((r) => r.lead === 'b').length, of: IMAGE_ROWS.length };
  }

  private verdict() {
    const { unet, dit, of } = this.tally;
    const table = html`(the table: ahead, with the 95 % intervals apart, in <span id="unet-leads">${unet}</span> of the judge’s ${of} image
      categories, the DiT in <span id="dit-leads">${dit}</span>; race them above to watch it seed by seed)`;
    if (unet > dit) return html`the U-Net wins on images ${table}`;
    if (dit > unet) return html`the DiT is ahead on images all the same ${table}`;
    return html`neither wins on images ${table}`;
  }

  private costs() {
    const u = this.manifest?.models[UNET], d = this.manifest?.models[DIT];
    if (typeof u?.flops !== 'number' || typeof d?.flops !== 'number') return nothing;
    const ratio = u.flops / d.flops;
    const minutes = (m: unknown) => (typeof m === 'number' ? ` ${Math.round(m)} minutes` : '');
    return html`By the measure the DiT paper uses, ${ratio >= 1
        ? html`the U-Net here is the bigger network: one call costs <span id="flops-ratio">${ratio.toFixed(1)}</span> times a DiT call’s FLOPs on an image.`
        : html`the DiT here is the bigger network: one call costs <span id="flops-ratio">${(1 / ratio).toFixed(1)}</span> times a U-Net call’s FLOPs on an image.`}
      The U-Net also spent all its${minutes(u.train_minutes)} on images, while the DiT shared its${minutes(d.train_minutes)} with clips.`;
  }

  render() {
    const image = ditAnatomy(DIT_CONFIG, { frames: 1, channels: DIT_CONFIG.channels, height: 8, width: 8 });
    const clip = ditAnatomy(DIT_CONFIG, { frames: 8, channels: DIT_CONFIG.channels, height: 8, width: 8 });
    return html`
      <h3>Why Sora uses a transformer</h3>
      <p>
        If a U-Net does as well, why is Sora a transformer? The DiT paper’s answer is scaling. Peebles and Xie trained DiTs of four
        sizes, each with three patch sizes, and set sample quality (FID, lower is better) against Gflops, the compute of one forward
        pass: however the Gflops grew, through a deeper and wider network or through more tokens from smaller patches (chapter 5’s
        knob), FID fell. Smaller patches barely change the parameters, so compute per call, not parameter count, predicted quality;
        and more sampling steps did not let a small DiT catch a larger one. Their largest, DiT-XL/2, beat every earlier diffusion
        model on class-conditional ImageNet, U-Nets included.
      </p>
      <p>
        The second reason is chapter 5’s: a transformer treats any number of tokens alike. A block maps a sequence of
        ${DIT_CONFIG.width}-wide tokens to another of the same length, whatever it is; a token’s place is only in its sin-cos
        position features. The same ${DIT_CONFIG.depth} blocks denoise an image as ${image.tokens} tokens and an 8-frame clip as
        ${clip.tokens}, and chapter 5 <a href="#spacetime-patches--shape-wide">asks them</a> for lengths and a width they never
        trained on. Sora’s report builds on this: it trains on videos and images at their native durations, resolutions and aspect
        ratios, and sets a video’s size at sampling time by the grid of noise patches it starts from. A U-Net’s convolutions slide
        over any size too, but time is not one of its axes until layers across frames are added.
      </p>
      <p>
        Honestly, at this page’s tiny compute ${this.verdict()}. ${this.costs()} And a convolution builds in that neighbouring
        pixels belong together, which a transformer must learn from data; that pays only with plenty of data and compute
        (Dosovitskiy et al. found the same for image classifiers). What more training compute does for this DiT,
        <a href="#text-to-video--scale">chapter 9’s checkpoints</a> let you judge, as Sora’s report shows one prompt and seed at 1,
        4 and 32 times its base compute.
      </p>
      <table id="image-scores">
        <thead>
          <tr><th scope="col">category</th><th scope="col">U-Net</th><th scope="col">DiT</th><th scope="col">samples</th></tr>
        </thead>
        <tbody>
          ${IMAGE_ROWS.map(
            (r) => html`<tr data-category=${r.category}>
              <td>${r.category}</td>
              <td class=${r.lead === 'a' ? 'lead' : ''}>${pct(r.a.rate)}</td>
              <td class=${r.lead === 'b' ? 'lead' : ''}>${pct(r.b.rate)}</td>
              <td>${r.a.n === r.b.n ? r.a.n : `${r.a.n} / ${r.b.n}`}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <p class="note">
        The judge on images: the share of samples that pass, each category (weights/eval: the same prompts for both, at
        ${unetEval.seeds_per_prompt} seeds a prompt for the U-Net and ${ditEval.seeds_per_prompt} for the DiT, each model at its own
        guidance). Bold: ahead with the two 95 % intervals apart.
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'why-transformer': WhyTransformer;
  }
}
