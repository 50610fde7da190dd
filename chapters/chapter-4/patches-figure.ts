// <patches-figure>: a world clip's latent cut into spacetime patches of the
// chosen size, every token numbered in the order the DiT reads it, and the
// marked token's numbers as patchify gives them. The clip is encoded by the
// VAE (in the model worker) when the figure is in view and its seed changes.
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/widgets/choice-picker';
import '../../components/widgets/labelled-slider';
import '../../components/shell/live-cell';
import '../../components/widgets/patch-grid';
import '../../components/charts/plot-chart';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { TokenDetail } from '../../components/widgets/patch-grid';
import { tokenNumbersSpec } from '../../components/charts/pass-rate-charts';
import { OKABE_ITO, type ChartSpec } from '../../components/charts/plot-chart';
import { controls, layout, prose } from '../../components/styles';
import { patchify } from '../../pipeline/diffusion/patchify';
import { latentFalseColour } from '../../pipeline/lessons/latent-space';
import { DIT_PATCH, tokenGrid } from '../../pipeline/lessons/patch-cost';
import { generateClip, type Clip } from '../../pipeline/world';
import { chapter4Styles, CHANNELS, CLIP_FRAMES, LATENT, markedToken, PATCH_SIDES, patchOf, SIZE, type Chapter4State, type PatchSide } from './state';

/** The four latent channels' lines: the first four Okabe–Ito colours (apart for colour-blind readers). */
export const CHANNEL_COLOURS = OKABE_ITO.slice(0, 4);

@customElement('patches-figure')
export class PatchesFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    chapter4Styles,
    css`
      patch-grid {
        --patch-grid-frame: 9.6rem;
      }
      @media (max-width: 30rem) {
        patch-grid {
          --patch-grid-frame: 8.4rem;
        }
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter4State;
  /** The chapter's models (its download line and backend); this figure runs the VAE encoder. */
  @property({ attribute: false }) models!: ModelController;

  /** The clip's latent, once encoded. */
  latent: { seed: number; values: Float32Array } | null = null;
  private clip: { seed: number; clip: Clip } | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 0,
    key: () => (this.state ? String(this.state.clip) : null),
    run: (key, current) => this.encode(Number(key), current),
  });

  /** The marked token's numbers and the key they were made for (for tests). */
  get tokenValues(): Float32Array | null {
    return this.tokenSpec().values;
  }
  get tokenKey(): string {
    return this.tokenSpec().key;
  }

  /** Encodes the clip of the current state, unless done: resolves when its latent is shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#patches')!;
  }

  private set(partial: Partial<Chapter4State>) {
    setFigureState(this, partial);
  }

  protected willUpdate(_changed: PropertyValues<this>) {
    if (this.clip?.seed !== this.state.clip) this.clip = { seed: this.state.clip, clip: generateClip(this.state.clip, { frames: CLIP_FRAMES }) };
  }

  private async encode(seed: number, current: () => boolean) {
    const clip = this.clip?.seed === seed ? this.clip.clip : generateClip(seed, { frames: CLIP_FRAMES });
    await this.models.runTask(this.cell(), async ({ request }) => {
      const enc = await request({ kind: 'encodeFrames', frames: { frames: clip.frames, numFrames: CLIP_FRAMES, width: SIZE, height: SIZE } });
      if (!current()) return;
      this.latent = { seed, values: enc.latent };
      this.requestUpdate();
    });
  }

  private latentOfState(): Float32Array | null {
    return this.latent?.seed === this.state.clip ? this.latent.values : null;
  }

  /** The marked token's numbers (patchify of the clip's latent) as a bar chart, channel by colour. */
  private tokenSpec(): { key: string; spec: ChartSpec | null; values: Float32Array | null } {
    const s = this.state;
    const latent = this.latentOfState();
    const patch = patchOf(s);
    const token = markedToken(s);
    const key = `${s.clip}|${s.pt}|${s.ph}|${s.pw}|${token}|${latent ? 1 : 0}`;
    return this.runs.memo('token', key, () => {
      if (!latent) return { key, spec: null, values: null };
      const p = patchify(latent, { frames: CLIP_FRAMES, channels: CHANNELS, height: LATENT, width: LATENT }, patch);
      const values = p.tokens.slice(token * p.tokenDim, (token + 1) * p.tokenDim);
      return { key, spec: tokenNumbersSpec(values, CHANNELS, CHANNEL_COLOURS), values };
    });
  }

  render() {
    const s = this.state;
    const clip = this.clip!.clip;
    const patch = patchOf(s);
    const grid = tokenGrid({ frames: CLIP_FRAMES, height: LATENT, width: LATENT }, patch);
    const D = patch.pt * patch.ph * patch.pw * CHANNELS;
    const token = markedToken(s);
    const perSlice = grid.h * grid.w;
    const gt = Math.floor(token / perSlice), gh = Math.floor((token % perSlice) / grid.w), gw = token % grid.w;
    const latentView = s.view === 'latent';
    const latent = this.latentOfState();
    const falseColour = latent ? this.runs.memo('false colour', latent, () => latentFalseColour(latent, { frames: CLIP_FRAMES, channels: CHANNELS, height: LATENT, width: LATENT })) : null;
    const rgb = latentView ? falseColour : clip.frames;
    const tokenChart = this.tokenSpec();
    const sideSlider = (key: 'pt' | 'ph' | 'pw', label: string, unit: string) => html`<labelled-slider
      label=${label}
      min="0"
      max="3"
      .value=${PATCH_SIDES.indexOf(s[key])}
      .format=${(i: number) => `${PATCH_SIDES[i]} ${unit}${PATCH_SIDES[i] === '1' ? '' : 's'}`}
      @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ [key]: PATCH_SIDES[e.detail.value] as PatchSide })}
    ></labelled-slider>`;
    const trained = patch.pt === DIT_PATCH.pt && patch.ph === DIT_PATCH.ph && patch.pw === DIT_PATCH.pw;
    return html`<live-cell id="patches" label="The latent of a clip, cut into spacetime patches">
      <div class="controls">
        <div class="row wide">
          <button type="button" @click=${() => this.set({ clip: (s.clip + 1) % 100_000 })}>New clip</button>
          <span class="muted">clip #${s.clip}: ${clip.caption}</span>
        </div>
        ${sideSlider('pt', 'Patch frames (pt)', 'frame')} ${sideSlider('ph', 'Patch rows (ph)', 'row')} ${sideSlider('pw', 'Patch columns (pw)', 'column')}
        <choice-picker
          label="Draw over"
          .options=${[
            { value: 'frames', label: 'The frames' },
            { value: 'latent', label: 'The latent' },
          ]}
          .value=${s.view}
          @choice-change=${(e: CustomEvent<{ value: string }>) => this.set({ view: e.detail.value as Chapter4State['view'] })}
        ></choice-picker>
        <labelled-slider
          class="wide"
          label="Token"
          min="0"
          max=${grid.tokens - 1}
          number-box
          .value=${token}
          .format=${(v: number) => `${v} of ${grid.tokens}`}
          hint="Or click a patch. Arrow keys step through the tokens in the order the DiT reads them."
          @value-input=${(e: CustomEvent<{ value: number }>) => this.set({ token: e.detail.value })}
        ></labelled-slider>
      </div>
      ${latentView && !rgb
        ? html`<p class="muted" role="status">Encoding the clip…</p>`
        : html`<patch-grid
            .rgb=${rgb}
            frames=${CLIP_FRAMES}
            width=${latentView ? LATENT : SIZE}
            height=${latentView ? LATENT : SIZE}
            cell=${latentView ? 1 : 4}
            .patch=${patch}
            selected=${token}
            subject=${latentView ? `the clip's latent (channels 1–3 as red, green, blue)` : `the clip's ${CLIP_FRAMES} frames`}
            @token-select=${(e: CustomEvent<TokenDetail>) => this.set({ token: e.detail.token })}
          ></patch-grid>`}
      <p class="readout" id="patch-readout" data-tokens=${grid.tokens} data-dim=${D}>
        The latent, ${CLIP_FRAMES} × ${LATENT} × ${LATENT} × ${CHANNELS} = ${(CLIP_FRAMES * LATENT * LATENT * CHANNELS).toLocaleString('en')} numbers, cut into
        ${grid.t} × ${grid.h} × ${grid.w} = <strong>${grid.tokens} tokens</strong> of ${patch.pt} × ${patch.ph} × ${patch.pw} × ${CHANNELS} =
        <strong>${D} numbers</strong> each. ${trained ? html`This is the patch the DiT here was trained with.` : html`The DiT here was trained with 1 × 2 × 2.`}
      </p>
      <p class="readout" id="token-readout">
        Token ${token} is frame${patch.pt > 1 ? 's' : ''} ${patch.pt > 1 ? `${gt * patch.pt + 1}–${(gt + 1) * patch.pt}` : gt + 1}, latent
        row${patch.ph > 1 ? 's' : ''} ${patch.ph > 1 ? `${gh * patch.ph + 1}–${(gh + 1) * patch.ph}` : gh + 1} and
        column${patch.pw > 1 ? 's' : ''} ${patch.pw > 1 ? `${gw * patch.pw + 1}–${(gw + 1) * patch.pw}` : gw + 1}
        (pixels ${gh * patch.ph * 4 + 1}–${(gh + 1) * patch.ph * 4} down, ${gw * patch.pw * 4 + 1}–${(gw + 1) * patch.pw * 4} across). Its numbers, in the
        order the DiT's linear embedding reads them (channels fastest, then columns, rows and frames of the patch):
      </p>
      <ul class="keys" aria-hidden="true">
        ${CHANNEL_COLOURS.map((c, k) => html`<li style="--key:${c}">channel ${k + 1}</li>`)}
      </ul>
      ${tokenChart.spec
        ? html`<plot-chart
            id="token-chart"
            .spec=${tokenChart.spec}
            alt="The ${D} numbers of token ${token}, channel by channel, from ${fmtRange(tokenChart.values!)}."
          ></plot-chart>`
        : html`<p class="muted" role="status">Encoding the clip…</p>`}
    </live-cell>`;
  }
}

function fmtRange(values: Float32Array): string {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return `${lo.toFixed(2)} to ${hi.toFixed(2)}`.replace(/-/g, '−');
}

declare global {
  interface HTMLElementTagNameMap {
    'patches-figure': PatchesFigure;
  }
}
