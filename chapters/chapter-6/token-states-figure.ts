// <token-states-figure>: the prompt's tokens as they are typed, and the text
// encoder's 24 × 128 states with their cosine similarities (the CLIP's, a bag
// of words); behind a disclosure, the context blocks' `phrases`, what the
// U-Net reads. The states follow the text as typed, before it is submitted.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/shell/live-cell';
import '../../components/widgets/prompt-field';
import '../../components/widgets/token-embeddings';
import { FigureRunController } from '../../components/figure/figure-run-controller';
import { setFigureState } from '../../components/figure/figure-state';
import type { LiveCell } from '../../components/shell/live-cell';
import type { ModelController } from '../../components/controllers/model-controller';
import type { PromptDetail } from '../../components/widgets/prompt-field';
import { controls, layout, prose } from '../../components/styles';
import type { EncodedText } from '../../pipeline/text-to-video/prompt';
import { conditioningStyles } from '../shared/conditioning';
import type { Chapter6State } from './state';

const EXAMPLES = ['a red circle and a blue square', 'a big green triangle in the top right', 'a small purple square moving left', 'a red circle made of glass'];

export interface TokensResult {
  /** The text encoded: the prompt as typed (or as submitted). */
  key: string;
  text: EncodedText;
}

@customElement('token-states-figure')
export class TokenStatesFigure extends LitElement {
  static styles = [
    prose,
    controls,
    layout,
    conditioningStyles,
    css`
      details.phrases {
        margin-top: 0.75rem;
      }
      details.phrases summary {
        cursor: pointer;
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ attribute: false }) state!: Chapter6State;
  /** The chapter's models (its download line and backend); this figure runs the text encoder. */
  @property({ attribute: false }) models!: ModelController;

  /** The text encoder's states, with the text they are for. */
  @state() result: TokensResult | null = null;
  /** The prompt as typed in the field (its tokens and states follow it before it is submitted). */
  @state() private draft: string | null = null;
  private readonly runs = new FigureRunController(this, {
    auto: 'rerun',
    delay: 250,
    key: () => (this.state ? (this.draft ?? this.state.prompt) : null),
    run: (key, current) => this.encode(key, current),
  });

  /** Encodes the text as typed (or the prompt), unless done: resolves when its states are shown. */
  ensure(): Promise<unknown> {
    return this.runs.ensure();
  }

  /** Forgets the text typed and not submitted (a "try this" sets the prompt). */
  clearDraft(): void {
    this.draft = null;
  }

  private cell(): LiveCell {
    return this.renderRoot.querySelector<LiveCell>('live-cell#tokens')!;
  }

  private async encode(key: string, current: () => boolean) {
    await this.models.runTask(this.cell(), async ({ request }) => {
      const enc = await request({ kind: 'encodePrompt', prompt: key });
      if (current()) this.result = { key, text: enc.prompt };
    });
  }

  render() {
    const s = this.state;
    const r = this.result;
    const fresh = r && r.key === (this.draft ?? s.prompt) ? r : null;
    return html`<live-cell id="tokens" label="The prompt as tokens, and each token's state">
      <prompt-field
        label="Prompt"
        .value=${s.prompt}
        .examples=${EXAMPLES}
        submit-label="Map the words"
        show-ids
        judge-note
        @prompt-input=${(e: CustomEvent<PromptDetail>) => (this.draft = e.detail.value)}
        @prompt-submit=${(e: CustomEvent<PromptDetail>) => {
          this.draft = null;
          setFigureState<Chapter6State>(this, { prompt: e.detail.value });
        }}
      ></prompt-field>
      ${r
        ? html`<token-embeddings .pieces=${r.text.tokens.pieces} .states=${r.text.hidden}></token-embeddings>
            ${r.text.phrases
              ? html`<details class="phrases">
                  <summary>The same tokens after the context blocks: the <code>phrases</code> output, what the U-Net reads</summary>
                  <token-embeddings id="phrases" .pieces=${r.text.tokens.pieces} .states=${r.text.phrases}></token-embeddings>
                </details>`
              : nothing}
            ${!fresh ? html`<p class="muted" role="status">Updating for the text as typed…</p>` : nothing}`
        : html`<p class="muted" role="status">The text encoder's states appear here.</p>`}
    </live-cell>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'token-states-figure': TokenStatesFigure;
  }
}
