// <whole-dit>: the whole DiT drawn with its sizes (components/widgets/dit-diagram),
// each part linked to the figure that shows it live, and the output head, which
// no figure shows, said in words. Sizes from pipeline/lessons/denoiser-anatomy.ts
// (the configuration the weights were trained with; its unit test holds it to the
// manifest's parameter counts). Then the U-Net drawn the same way (unet-diagram).
import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../../components/widgets/dit-diagram';
import '../../components/widgets/unet-diagram';
import type { DitLinkPart, FigureLinkTo } from '../../components/widgets/dit-diagram';
import { prose } from '../../components/styles';
import { ditAnatomy, DIT_CONFIG, unetAnatomy, UNET_CONFIG } from '../../pipeline/lessons/denoiser-anatomy';

/** Where each part is shown live: figure links (#chapter-id--cell-key). */
export const DIT_LINKS: Record<Exclude<DitLinkPart, 'head'>, FigureLinkTo> = {
  patchify: { href: '#spacetime-patches--patches', label: 'chapter 5’s spacetime patches' },
  adaln: { href: '#unet-vs-dit--adaln', label: 'the adaLN figure below' },
  self: { href: '#unet-vs-dit--attn', label: 'the self-attention figure below' },
  text: { href: '#conditioning--tokens', label: 'chapter 7’s token states' },
  cross: { href: '#conditioning--attention', label: 'chapter 7’s cross-attention maps' },
};

/** The U-Net's sizes for an 8 × 8 latent frame. */
export const UNET_IMAGE = unetAnatomy(UNET_CONFIG, 8);

/** The DiT's sizes for one 8 × 8 latent frame (an image). */
export const DIT_IMAGE = ditAnatomy(DIT_CONFIG, { frames: 1, channels: DIT_CONFIG.channels, height: 8, width: 8 });

@customElement('whole-dit')
export class WholeDit extends LitElement {
  static styles = [
    prose,
    css`
      :host {
        display: block;
      }
      dit-diagram,
      unet-diagram {
        margin: 0.5rem 0 1rem;
      }
    `,
  ];

  render() {
    const a = DIT_IMAGE, c = a.config, u = UNET_IMAGE;
    return html`
      <h3>The whole DiT</h3>
      <p>
        Here is the DiT of this page from end to end, with its sizes: those of the configuration its weights were trained with,
        which give exactly the parameter count of the file the page runs. Read it from the top. The parts with ▸ open the figure that
        shows them live, with this network.
      </p>
      <dit-diagram .anatomy=${a} .clipFrames=${8} .links=${DIT_LINKS}></dit-diagram>
      <p>
        The output head is the one part no figure shows. After the last block each token is normalised once more and shifted and
        scaled by a last adaLN from <em>c</em> (no gate: there is no branch to add). A linear layer turns its ${c.width} numbers
        into the ${a.patchDim} of a ${c.patch.pt} × ${c.patch.ph} × ${c.patch.pw} patch of ${c.channels} channels, and unpatchify
        puts every patch back where patchify took it from, so v̂ has the latent’s shape. That linear layer starts at zero, like
        the blocks’ adaLN: an untrained DiT predicts v̂ = 0 everywhere.
      </p>
      <p>
        The U-Net of the side by side, drawn the same way, is a different shape. Down the left it halves the frame to
        ${u.stages.find((st) => st.kind === 'mid')!.size} × ${u.stages.find((st) => st.kind === 'mid')!.size} while the channels
        grow; up the right it doubles back, and each level going up is joined by the skip connection from its level going down,
        which brings back the detail the bottom has lost. The timestep is added inside every residual block. The text comes in
        where the DiT’s does, by cross-attention, in each of its ${u.stages.filter((st) => st.attention).length} spatial
        transformers. Nothing in it spans frames.
      </p>
      <unet-diagram .anatomy=${u}></unet-diagram>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'whole-dit': WholeDit;
  }
}
