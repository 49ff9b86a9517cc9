import { css, html, nothing, type TemplateResult } from 'lit';
import type { RedemptionView, RewardItemView } from '../../server/modules/rewards/contract.js';
import type { ApiClient, LxApiError } from '../internal/api-client.js';
import { addEnglish, type Translate } from '../internal/i18n.js';
import { redeemMessages } from '../messages/redeem-flow.js';
import { LxRedeemEvent } from './redeem.event.js';
import { formText } from '../internal/forms.js';

addEnglish(redeemMessages);

/*
 * The redemption step of the wallet: the confirmation form (with a shipping address for
 * merchandise), the request and the `lx-redeem` event. Loaded the first time a learner
 * presses Redeem, so a page that only shows balances never downloads it.
 */

/** The form's rules, adopted by the wallet when this chunk arrives. */
export const redeemFlowStyles = css`
  [part~='confirm'] {
    display: grid;
    gap: calc(var(--_space) * 0.5);
    padding: var(--_space);
    border: 2px solid var(--_brand);
    border-radius: var(--_radius);
    background: var(--_raised);
  }
  [part~='confirm'] label {
    display: grid;
    gap: 0.2rem;
  }
  [role='alert'] {
    color: var(--_danger);
  }
`;

const FIELDS = [
  ['name', 'name'],
  ['line1', 'address-line1'],
  ['city', 'address-level2'],
  ['postalCode', 'postal-code'],
  ['country', 'country'],
] as const;

export function confirmForm(o: {
  item: RewardItemView;
  cost: string;
  busy: boolean;
  failure: string;
  t: Translate;
  onSubmit: (event: SubmitEvent) => void;
  onCancel: () => void;
}): TemplateResult {
  const { t } = o;
  return html`<form part="confirm" aria-labelledby="confirm-title" @submit=${o.onSubmit}>
    <strong id="confirm-title"
      >${t('wallet.confirm', { title: o.item.title, cost: o.cost })}</strong
    >
    ${
      o.item.kind === 'merchandise'
        ? html`<fieldset>
            <legend>${t('wallet.shipping')}</legend>
            ${FIELDS.map(
              ([name, autocomplete]) =>
                html`<label
                  >${t(`wallet.field.${name}`)}<input
                    name=${name}
                    required
                    autocomplete=${autocomplete}
                    maxlength=${name === 'country' ? 2 : 200}
                /></label>`,
            )}
          </fieldset>`
        : nothing
    }
    ${o.failure ? html`<p role="alert">${o.failure}</p>` : nothing}
    <div class="row">
      <button type="submit" ?disabled=${o.busy}>${t('wallet.confirm.yes')}</button>
      <button type="button" class="secondary" @click=${o.onCancel}>${t('wallet.cancel')}</button>
    </div>
  </form>`;
}

/**
 * Sends the redemption under `key` (so a retried confirm cannot spend twice) and tells the
 * page. Resolves to the notice to show, or rejects with the message for the form.
 */
export async function redeem(
  host: HTMLElement,
  client: ApiClient,
  item: RewardItemView,
  key: string,
  form: HTMLFormElement,
  t: Translate,
): Promise<string> {
  const data = new FormData(form);
  const shipping =
    item.kind === 'merchandise'
      ? Object.fromEntries(FIELDS.map(([f]) => [f, formText(data, f).trim()]))
      : undefined;
  try {
    const done = await client.post<RedemptionView>(
      'v1/rewards/redemptions',
      { itemId: item.id, shipping },
      { headers: { 'Idempotency-Key': key } },
    );
    host.dispatchEvent(
      new LxRedeemEvent({
        redemptionId: done.id,
        itemId: done.itemId,
        kind: done.kind,
        status: done.status,
        cost: done.cost,
        couponCode: done.couponCode,
      }),
    );
    return (
      t('wallet.done', { title: done.title }) +
      (done.couponCode ? ' ' + t('wallet.coupon', { code: done.couponCode }) : '')
    );
  } catch (error) {
    const e = error as LxApiError;
    throw new Error(e.problem?.reason === 'insufficient_balance' ? t('wallet.short') : e.message);
  }
}
