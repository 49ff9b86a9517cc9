import { html, nothing, type TemplateResult } from 'lit';
import type {
  RedemptionView,
  RewardItemView,
  TransactionView,
} from '../../server/modules/rewards/contract.js';
import { addEnglish, formatDate, formatNumber, type Translate } from '../internal/i18n.js';
import { walletViewMessages } from '../messages/wallet-view.js';

export { walletViewStyles } from './wallet-view.styles.js';

/*
 * What the wallet shows once its data is in: balance, rewards, redemptions and history. The
 * element fetches this chunk in parallel with its first requests, so the page's first download
 * stays as small as the kit's other widgets.
 */

addEnglish(walletViewMessages);

export type TxType = TransactionView['type'];
const TYPES: TxType[] = ['earn', 'bonus', 'spend', 'reversal', 'expire'];

export interface Wallet {
  balance: number;
  tokenName: string | null;
  expiring: { amount: number; firstAt: string | null };
}

export interface WalletView {
  wallet: Wallet;
  items: RewardItemView[];
  redemptions: RedemptionView[];
  history: TransactionView[];
  cursor: string | null;
  filter: TxType | '';
  notice: string;
  locale: string;
  /** The confirmation step when a reward awaits it, else nothing. */
  confirm: TemplateResult | typeof nothing;
  t: Translate;
  onAsk: (item: RewardItemView) => void;
  onFilter: (event: Event) => void;
  onMore: () => void;
}

export function renderWallet(o: WalletView): TemplateResult {
  const { t, wallet } = o;
  const token = wallet.tokenName ?? t('wallet.tokens');
  const amount = (n: number) => `${formatNumber(n, o.locale)} ${token}`;
  const date = (iso: string) => formatDate(iso, o.locale, { dateStyle: 'medium' });
  const balance = wallet.balance;
  return html`<div part="base">
    <section aria-labelledby="w-title">
      <h2 id="w-title">${t('wallet.title')}</h2>
      <div part="balance" class="balance">${amount(balance)}</div>
      ${
        wallet.expiring.amount > 0 && wallet.expiring.firstAt
          ? html`<small
              >${t('wallet.expiring', {
                amount: amount(wallet.expiring.amount),
                date: date(wallet.expiring.firstAt),
              })}</small
            >`
          : nothing
      }
      <p role="status" aria-live="polite">${o.notice}</p>
    </section>

    <section aria-labelledby="r-title">
      <h3 id="r-title">${t('wallet.rewards')}</h3>
      ${
        o.items.length === 0
          ? html`<p class="muted">${t('wallet.rewards.empty')}</p>`
          : html`<ul>
              ${o.items.map(
                (item) =>
                  html`<li part="reward">
                    <span
                      ><strong>${item.title}</strong><br /><small
                        >${item.description}${
                          item.stock !== null
                            ? ` · ${t('wallet.stock', { count: item.stock })}`
                            : ''
                        }</small
                      ></span
                    >
                    <span class="row"
                      >${amount(item.cost)}
                      <button
                        part="redeem"
                        aria-label=${t('wallet.redeem.label', { title: item.title })}
                        ?disabled=${item.cost > balance || item.stock === 0}
                        @click=${() => o.onAsk(item)}
                      >
                        ${t('wallet.redeem')}
                      </button></span
                    >
                  </li>`,
              )}
            </ul>`
      }
      ${o.confirm}
    </section>

    ${
      o.redemptions.length
        ? html`<section aria-labelledby="s-title">
            <h3 id="s-title">${t('wallet.redemptions')}</h3>
            <ul>
              ${o.redemptions.map(
                (r) =>
                  html`<li>
                    <span
                      >${r.title}${r.couponCode ? html` · <code>${r.couponCode}</code>` : nothing}
                      <br /><small
                        >${date(r.createdAt)}${
                          r.featureUntil
                            ? ` · ${t('wallet.until', { date: date(r.featureUntil) })}`
                            : ''
                        }${r.note ? ` · ${r.note}` : ''}</small
                      ></span
                    >
                    <span class="status" data-status=${r.status}
                      >${t(`wallet.status.${r.status}`)}</span
                    >
                  </li>`,
              )}
            </ul>
          </section>`
        : nothing
    }

    <section aria-labelledby="h-title">
      <div class="row">
        <h3 id="h-title">${t('wallet.history')}</h3>
        <label class="row"
          >${t('wallet.filter')}
          <select @change=${o.onFilter}>
            <option value="">${t('wallet.type.all')}</option>
            ${TYPES.map(
              (type) =>
                html`<option value=${type} ?selected=${o.filter === type}>
                  ${t(`wallet.type.${type}`)}
                </option>`,
            )}
          </select></label
        >
      </div>
      ${
        o.history.length === 0
          ? html`<p class="muted">${t('wallet.empty')}</p>`
          : html`<ul part="history">
              ${o.history.map(
                (tx) =>
                  html`<li>
                    <span
                      >${t(`wallet.type.${tx.type}`)}<br /><small
                        >${tx.reason} · ${date(tx.createdAt)}</small
                      ></span
                    >
                    <span class="amount" data-sign=${tx.amount > 0 ? '+' : '-'}
                      >${tx.amount > 0 ? '+' : ''}${amount(tx.amount)}</span
                    >
                  </li>`,
              )}
            </ul>`
      }
      ${
        o.cursor
          ? html`<button class="secondary" @click=${o.onMore}>${t('wallet.more')}</button>`
          : nothing
      }
    </section>
  </div>`;
}
