import { html, nothing, type TemplateResult } from 'lit';
import type { RedemptionView, RewardItemView } from '../../server/modules/rewards/redemptions.js';
import type { TransactionView } from '../../server/modules/rewards/ledger.js';
import type { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import type * as RedeemFlow from './redeem-flow.js';
import { walletMessages } from './token-wallet.messages.js';

type Flow = typeof RedeemFlow;
/** Wallet keys, and the redemption step's, which arrive with its chunk. */
type WalletKey = keyof typeof walletMessages | keyof Flow['redeemMessages'];
import { tokenWalletStyles } from './token-wallet.styles.js';

interface Wallet {
  balance: number;
  tokenName: string | null;
  expiring: { amount: number; firstAt: string | null };
}

type TxType = TransactionView['type'];
const TYPES: TxType[] = ['earn', 'bonus', 'spend', 'reversal', 'expire'];
/**
 * @tagname lx-token-wallet
 * @summary A learner's token balance, history, the rewards catalog and redemptions.
 *
 * @event lx-redeem - A redemption was accepted. `detail` is `{ redemptionId, itemId, kind, status, cost, couponCode }`.
 * @event lx-error - The widget cannot work (license, origin, limit, network). `detail` is `{ code, status, message }`.
 *
 * @csspart base - The wrapper around the wallet.
 * @csspart balance - The balance.
 * @csspart history - The transaction list.
 * @csspart reward - One reward in the catalog.
 * @csspart redeem - A reward's redeem button.
 * @csspart confirm - The confirmation step.
 * @csspart state - A loading, empty, signed-out or error state.
 */
export class LxTokenWallet extends LxElement {
  static override styles = [...LxElement.styles, tokenWalletStyles];

  static override properties = {
    ...LxElement.properties,
    pageSize: { type: Number, attribute: 'page-size' },
    wallet: { state: true },
    history: { state: true },
    cursor: { state: true },
    filter: { state: true },
    items: { state: true },
    redemptions: { state: true },
    pending: { state: true },
    busy: { state: true },
    notice: { state: true },
    failure: { state: true },
    loadError: { state: true },
  };

  /** Transactions per page of history. */
  declare pageSize: number;
  declare private wallet: Wallet | undefined;
  declare private history: TransactionView[];
  declare private cursor: string | null;
  declare private filter: TxType | '';
  declare private items: RewardItemView[];
  declare private redemptions: RedemptionView[];
  /** The reward awaiting confirmation, and the key that makes a retried confirm safe. */
  declare private pending: { item: RewardItemView; key: string } | undefined;
  declare private busy: boolean;
  declare private notice: string;
  declare private failure: string;
  declare private loadError: LxApiError | undefined;
  #flow: Flow | undefined;

  constructor() {
    super();
    this.pageSize = 10;
    this.history = [];
    this.cursor = null;
    this.filter = '';
    this.items = [];
    this.redemptions = [];
    this.busy = false;
    this.notice = '';
    this.failure = '';
  }
  /** Copy for `key`: the locale's or the license's wording when it has one, else English. */
  #t = (key: WalletKey, vars: Record<string, string | number> = {}): string => {
    const own = (this.messages as Record<string, string | undefined>)[key];
    const copy: Record<string, string> = { ...walletMessages, ...this.#flow?.redeemMessages };
    return (own ?? copy[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) =>
      String(vars[name] ?? ''),
    );
  };

  get #signedIn(): boolean {
    return !!(this.userToken || this.tokenProvider);
  }

  protected override configReady(_config: EmbedConfig): void {
    if (!this.wallet && this.#signedIn) void this.refresh();
  }

  /** Reloads balance, history, catalog and redemptions. */
  async refresh(): Promise<void> {
    this.loadError = undefined;
    try {
      const [wallet, items, redemptions] = await Promise.all([
        this.client.get<Wallet>('v1/rewards/wallet'),
        this.client.get<{ items: RewardItemView[] }>('v1/rewards/catalog'),
        this.client.get<{ items: RedemptionView[] }>('v1/rewards/redemptions'),
        this.#loadHistory(true),
      ]);
      this.wallet = wallet;
      this.items = items.items;
      this.redemptions = redemptions.items;
    } catch (error) {
      this.loadError = error as LxApiError;
      this.reportError(this.loadError);
    }
  }

  async #loadHistory(reset: boolean): Promise<void> {
    const page = await this.client.get<{ items: TransactionView[]; nextCursor: string | null }>(
      'v1/rewards/transactions',
      {
        query: {
          limit: this.pageSize,
          type: this.filter || undefined,
          cursor: reset ? undefined : (this.cursor ?? undefined),
        },
      },
    );
    this.history = reset ? page.items : [...this.history, ...page.items];
    this.cursor = page.nextCursor;
  }

  #onFilter(event: Event): void {
    this.filter = (event.target as HTMLSelectElement).value as TxType | '';
    void this.#loadHistory(true).catch((e: LxApiError) => (this.loadError = e));
  }

  async #ask(item: RewardItemView): Promise<void> {
    this.notice = '';
    this.failure = '';
    try {
      this.#flow ??= await import('./redeem-flow.js');
    } catch {
      this.notice = this.msg('state.network.body');
      return;
    }
    this.pending = { item, key: crypto.randomUUID() };
    await this.updateComplete;
    this.renderRoot
      .querySelector<HTMLElement>('[part~="confirm"] input, [part~="confirm"] button')
      ?.focus();
  }

  async #confirm(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const pending = this.pending;
    if (!pending || !this.#flow || this.busy) return;
    this.busy = true;
    this.failure = '';
    try {
      this.notice = await this.#flow.redeem(
        this,
        this.client,
        pending.item,
        pending.key,
        event.target as HTMLFormElement,
        this.#t as (key: string, vars?: Record<string, string | number>) => string,
      );
      this.pending = undefined;
      await this.refresh();
    } catch (message) {
      this.failure = String(message);
    } finally {
      this.busy = false;
    }
  }

  #cancel(): void {
    this.pending = undefined;
    this.failure = '';
  }

  get #token(): string {
    return this.wallet?.tokenName ?? this.#t('wallet.tokens');
  }

  #amount(n: number): string {
    return `${new Intl.NumberFormat(this.resolvedLocale).format(n)} ${this.#token}`;
  }

  #date(iso: string): string {
    return new Intl.DateTimeFormat(this.resolvedLocale, { dateStyle: 'medium' }).format(
      new Date(iso),
    );
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (!this.#signedIn) {
      return html`<div part="base state" class="state" role="status">
        <p>${this.#t('wallet.signin')}</p>
      </div>`;
    }
    if (this.loadError) return this.renderProblem(this.loadError, () => void this.refresh());
    const wallet = this.wallet;
    if (!wallet) return this.renderLoading();
    const balance = wallet.balance;
    return html`<div part="base">
      <section aria-labelledby="w-title">
        <h2 id="w-title">${this.#t('wallet.title')}</h2>
        <div part="balance" class="balance">${this.#amount(balance)}</div>
        ${
          wallet.expiring.amount > 0 && wallet.expiring.firstAt
            ? html`<small
                >${this.#t('wallet.expiring', {
                  amount: this.#amount(wallet.expiring.amount),
                  date: this.#date(wallet.expiring.firstAt),
                })}</small
              >`
            : nothing
        }
        <p role="status" aria-live="polite">${this.notice}</p>
      </section>

      <section aria-labelledby="r-title">
        <h3 id="r-title">${this.#t('wallet.rewards')}</h3>
        ${
          this.items.length === 0
            ? html`<p class="muted">${this.#t('wallet.rewards.empty')}</p>`
            : html`<ul>
                ${this.items.map(
                  (item) =>
                    html`<li part="reward">
                      <span
                        ><strong>${item.title}</strong><br /><small
                          >${item.description}${
                            item.stock !== null
                              ? ` · ${this.#t('wallet.stock', { count: item.stock })}`
                              : ''
                          }</small
                        ></span
                      >
                      <span class="row"
                        >${this.#amount(item.cost)}
                        <button
                          part="redeem"
                          aria-label=${this.#t('wallet.redeem.label', { title: item.title })}
                          ?disabled=${item.cost > balance || item.stock === 0}
                          @click=${() => void this.#ask(item)}
                        >
                          ${this.#t('wallet.redeem')}
                        </button></span
                      >
                    </li>`,
                )}
              </ul>`
        }
        ${
          this.pending && this.#flow
            ? this.#flow.confirmForm({
                item: this.pending.item,
                cost: this.#amount(this.pending.item.cost),
                busy: this.busy,
                failure: this.failure,
                t: this.#t as (key: string) => string,
                onSubmit: (e) => void this.#confirm(e),
                onCancel: () => this.#cancel(),
              })
            : nothing
        }
      </section>

      ${
        this.redemptions.length
          ? html`<section aria-labelledby="s-title">
              <h3 id="s-title">${this.#t('wallet.redemptions')}</h3>
              <ul>
                ${this.redemptions.map(
                  (r) =>
                    html`<li>
                      <span
                        >${r.title}${r.couponCode ? html` · <code>${r.couponCode}</code>` : nothing}
                        <br /><small
                          >${this.#date(r.createdAt)}${
                            r.featureUntil
                              ? ` · ${this.#t('wallet.until', { date: this.#date(r.featureUntil) })}`
                              : ''
                          }${r.note ? ` · ${r.note}` : ''}</small
                        ></span
                      >
                      <span class="status" data-status=${r.status}
                        >${this.#t(`wallet.status.${r.status}`)}</span
                      >
                    </li>`,
                )}
              </ul>
            </section>`
          : nothing
      }

      <section aria-labelledby="h-title">
        <div class="row">
          <h3 id="h-title">${this.#t('wallet.history')}</h3>
          <label class="row"
            >${this.#t('wallet.filter')}
            <select @change=${this.#onFilter}>
              <option value="">${this.#t('wallet.type.all')}</option>
              ${TYPES.map(
                (t) =>
                  html`<option value=${t} ?selected=${this.filter === t}>
                    ${this.#t(`wallet.type.${t}`)}
                  </option>`,
              )}
            </select></label
          >
        </div>
        ${
          this.history.length === 0
            ? html`<p class="muted">${this.#t('wallet.empty')}</p>`
            : html`<ul part="history">
                ${this.history.map(
                  (t) =>
                    html`<li>
                      <span
                        >${this.#t(`wallet.type.${t.type}`)}<br /><small
                          >${t.reason} · ${this.#date(t.createdAt)}</small
                        ></span
                      >
                      <span class="amount" data-sign=${t.amount > 0 ? '+' : '-'}
                        >${t.amount > 0 ? '+' : ''}${this.#amount(t.amount)}</span
                      >
                    </li>`,
                )}
              </ul>`
        }
        ${
          this.cursor
            ? html`<button
                class="secondary"
                @click=${() =>
                  void this.#loadHistory(false).catch((e: LxApiError) => (this.loadError = e))}
              >
                ${this.#t('wallet.more')}
              </button>`
            : nothing
        }
      </section>
    </div>`;
  }
}
