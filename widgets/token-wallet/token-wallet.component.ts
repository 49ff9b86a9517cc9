import { nothing, type TemplateResult } from 'lit';
import type {
  RedemptionView,
  RewardItemView,
  TransactionView,
} from '../../server/modules/rewards/contract.js';
import { LxApiError } from '../internal/api-client.js';
import { LxElement } from '../internal/base-element.js';
import type { EmbedConfig } from '../internal/config-store.js';
import { addEnglish, formatNumber, type Translations } from '../internal/i18n.js';
import { adoptStyles } from '../internal/theme.js';
import { walletMessages } from '../messages/token-wallet.js';
import type * as RedeemFlow from './redeem-flow.js';
import type * as View from './wallet-view.js';

addEnglish(walletMessages);

type Flow = typeof RedeemFlow;
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
  static override translations: Translations = {
    ar: () => import('./locales/ar.js'),
    de: () => import('./locales/de.js'),
    fr: () => import('./locales/fr.js'),
  };

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
  declare private wallet: View.Wallet | undefined;
  declare private history: TransactionView[];
  declare private cursor: string | null;
  declare private filter: View.TxType | '';
  declare private items: RewardItemView[];
  declare private redemptions: RedemptionView[];
  /** The reward awaiting confirmation, and the key that makes a retried confirm safe. */
  declare private pending: { item: RewardItemView; key: string } | undefined;
  declare private busy: boolean;
  declare private notice: string;
  declare private failure: string;
  declare private loadError: LxApiError | undefined;
  #flow: Flow | undefined;
  #view: typeof View | undefined;

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

  protected override configReady(_config: EmbedConfig): void {
    if (!this.wallet && this.signedIn) void this.refresh();
  }

  /** Reloads balance, history, catalog and redemptions. */
  async refresh(): Promise<void> {
    this.loadError = undefined;
    try {
      const [view, wallet, items, redemptions] = await Promise.all([
        this.#view ??
          import('./wallet-view.js').catch(() => {
            throw new LxApiError('network_error', 0, 'The wallet could not be loaded.');
          }),
        this.client.get<View.Wallet>('v1/rewards/wallet'),
        this.client.get<{ items: RewardItemView[] }>('v1/rewards/catalog'),
        this.client.get<{ items: RedemptionView[] }>('v1/rewards/redemptions'),
        this.#loadHistory(true),
      ]);
      this.#view = view;
      adoptStyles(this, view.walletViewStyles);
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
    this.filter = (event.target as HTMLSelectElement).value as View.TxType | '';
    void this.#loadHistory(true).catch((e: LxApiError) => (this.loadError = e));
  }

  async #ask(item: RewardItemView): Promise<void> {
    this.notice = '';
    this.failure = '';
    try {
      this.#flow ??= await import('./redeem-flow.js');
      adoptStyles(this, this.#flow.redeemFlowStyles);
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
        this.msg,
      );
      this.pending = undefined;
      await this.refresh();
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  #cancel(): void {
    this.pending = undefined;
    this.failure = '';
  }

  get #token(): string {
    return this.wallet?.tokenName ?? this.msg('wallet.tokens');
  }

  #amount(n: number): string {
    return `${formatNumber(n, this.resolvedLocale)} ${this.#token}`;
  }

  protected override renderReady(_config: EmbedConfig): TemplateResult {
    if (!this.signedIn) {
      return this.renderStatus(this.msg('wallet.signin'));
    }
    if (this.loadError) return this.renderProblem(this.loadError, () => void this.refresh());
    if (!this.wallet || !this.#view) return this.renderLoading();
    return this.#view.renderWallet({
      wallet: this.wallet,
      items: this.items,
      redemptions: this.redemptions,
      history: this.history,
      cursor: this.cursor,
      filter: this.filter,
      notice: this.notice,
      locale: this.resolvedLocale,
      confirm:
        this.pending && this.#flow
          ? this.#flow.confirmForm({
              item: this.pending.item,
              cost: this.#amount(this.pending.item.cost),
              busy: this.busy,
              failure: this.failure,
              t: this.msg,
              onSubmit: (e) => void this.#confirm(e),
              onCancel: () => this.#cancel(),
            })
          : nothing,
      t: this.msg,
      onAsk: (item) => void this.#ask(item),
      onFilter: (e) => this.#onFilter(e),
      onMore: () => void this.#loadHistory(false).catch((e: LxApiError) => (this.loadError = e)),
    });
  }
}
