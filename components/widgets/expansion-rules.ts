// <expansion-rules>: a prompt expansion made visible (pipeline/lessons/prompt-expansion.ts):
// what the reader typed, what it says in the world's words, the full caption
// the model is given, and every rule that fired on the way, in order.
//
//   <expansion-rules .expansion=${expandPrompt('red ball', { seed: 3, mode: 'image' })}></expansion-rules>
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Expansion, RuleKind } from '../../pipeline/lessons/prompt-expansion';

const KIND_LABEL: Record<RuleKind, string> = {
  synonym: 'synonym',
  phrase: 'phrase',
  count: 'count',
  drop: 'dropped',
  fill: 'filled in',
  fix: 'fixed',
  article: 'grammar',
};

@customElement('expansion-rules')
export class ExpansionRules extends LitElement {
  static styles = css`
    :host {
      display: block;
    }
    dl {
      display: grid;
      grid-template-columns: max-content minmax(0, 1fr);
      gap: 0.3rem 0.8rem;
      margin: 0 0 0.8rem;
      font-size: 0.95rem;
    }
    dt {
      font-weight: 600;
      color: var(--muted);
      font-size: 0.85rem;
      padding-top: 0.15rem;
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    q {
      font-family: var(--font-mono);
      font-size: 0.9rem;
      quotes: '“' '”';
    }
    .none {
      color: var(--muted);
      font-style: italic;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: 0.85rem;
    }
    caption {
      text-align: left;
      font-weight: 600;
      margin-bottom: 0.3rem;
    }
    th,
    td {
      text-align: left;
      padding: 0.25rem 0.5rem 0.25rem 0;
      border-bottom: 1px solid var(--rule);
      vertical-align: top;
    }
    th {
      color: var(--muted);
      font-weight: 600;
    }
    .kind {
      display: inline-block;
      padding: 0 0.35rem;
      border-radius: 0.25rem;
      background: #eef0f4;
      white-space: nowrap;
    }
    .kind.fill {
      background: #fff0d6;
    }
    .kind.drop,
    .kind.fix {
      background: var(--error-soft);
    }
    .rw {
      font-family: var(--font-mono);
      overflow-wrap: anywhere;
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    @media (max-width: 30rem) {
      .why {
        display: none;
      }
    }
  `;

  @property({ attribute: false }) expansion: Expansion | null = null;

  render() {
    const e = this.expansion;
    if (!e) return nothing;
    return html`
      <dl>
        <dt>Typed</dt>
        <dd>${e.input.trim() ? html`<q>${e.input}</q>` : html`<span class="none">(nothing)</span>`}</dd>
        <dt>In the world’s words</dt>
        <dd id="intent">${e.intent ? html`<q>${e.intent}</q>` : html`<span class="none">no object the world can name</span>`}</dd>
        <dt>Expanded</dt>
        <dd id="expanded"><q>${e.expanded}</q></dd>
      </dl>
      ${e.rules.length
        ? html`<table>
            <caption>${e.rules.length} rule${e.rules.length > 1 ? 's' : ''} fired, in order</caption>
            <thead><tr><th scope="col">rule</th><th scope="col">read → wrote</th><th scope="col" class="why" aria-hidden="true">why</th></tr></thead>
            <tbody>
              ${e.rules.map(
                (r) => html`<tr data-kind=${r.kind}>
                  <td><span class="kind ${r.kind}">${KIND_LABEL[r.kind]}</span></td>
                  <td class="rw">${r.from && r.to ? html`${r.from} → ${r.to}` : r.from || r.to}<span class="sr"> (${r.why})</span></td>
                  <td class="why" aria-hidden="true">${r.why}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="none">No rule fired: the prompt was already a full caption of the world.</p>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'expansion-rules': ExpansionRules;
  }
}
