import fs from 'node:fs';
import { licenseFlag, required, type CommandOutput } from '../../cli/command.js';
import { ApiError } from '../../errors.js';
import type { Services } from '../../services.js';
import type { SubscriptionView, Tier } from './contract.js';

export const BILLING_USAGE = `  plan show --license <id>                  (the license's tiers; default ones unless overridden)
  plan set --license <id> --file <tiers.json>   ({ "plans": [...] }, as PUT /v1/admin/billing/{id}/plans)
  plan clear --license <id>                 (back to the default tiers)
  subscription list --license <id> --learner <learner id>
`;

export interface BillingFlags {
  license?: string | undefined;
  learner?: string | undefined;
  file?: string | undefined;
}

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`;

function tierText(tiers: Tier[], overridden: boolean): string {
  const lines = [overridden ? 'Own tiers:' : 'Default tiers:'];
  for (const p of tiers) {
    const prices = p.prices.map((x) => `${money(x.amount, x.currency)}/${x.interval}`).join(', ');
    lines.push(
      `  ${p.id.padEnd(12)} ${p.name}${p.recommended ? ' (recommended)' : ''} — ${prices}` +
        (p.trialDays ? `, ${p.trialDays}-day trial` : ''),
      `  ${''.padEnd(12)} ${p.features.length} features: ${p.features.join(', ')}`,
    );
  }
  return lines.join('\n');
}

const subLine = (s: SubscriptionView) =>
  `${s.id}  ${s.status.padEnd(18)} ${s.planId}/${s.interval}  ${money(s.amount, s.currency)}` +
  (s.currentPeriodEnd ? `  until ${s.currentPeriodEnd}` : '') +
  (s.cancelAtPeriodEnd ? '  (cancels at period end)' : '');

/**
 * `npm run admin -- plan …` (the license's tiers; the group keeps the API's name for them) and
 * `… subscription …`: the same calls as the admin API.
 */
export async function billingCommand(
  services: Services,
  group: 'plan' | 'subscription',
  command: string,
  flags: BillingFlags,
): Promise<CommandOutput> {
  const catalog = services.billing.tiers;
  const key = `${group} ${command}`;
  switch (key) {
    case 'plan show': {
      const id = await licenseFlag(services, flags.license);
      const override = await catalog.override(id);
      const tiers = await catalog.list(id);
      return {
        json: { overridden: override !== null, plans: tiers },
        text: tierText(tiers, !!override),
      };
    }
    case 'plan set': {
      const id = await licenseFlag(services, flags.license);
      const file = required(flags.file, '--file');
      let input: unknown;
      try {
        input = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch (error) {
        throw new ApiError('validation_failed', `${file} is not readable JSON.`, {
          errors: [{ path: 'flags.--file', message: (error as Error).message }],
        });
      }
      const tiers = await catalog.setOverride(id, input);
      return { json: { overridden: true, plans: tiers }, text: tierText(tiers, true) };
    }
    case 'plan clear': {
      const id = await licenseFlag(services, flags.license);
      const had = await catalog.clearOverride(id);
      return {
        json: { overridden: false, plans: await catalog.list(id) },
        text: had ? 'Back to the default tiers.' : 'The license already offers the default tiers.',
      };
    }
    case 'subscription list': {
      const id = await licenseFlag(services, flags.license);
      const items = await services.billing.subscriptions.history(
        id,
        required(flags.learner, '--learner'),
      );
      return {
        json: { subscriptions: items },
        text: items.length ? items.map(subLine).join('\n') : 'No subscriptions.',
      };
    }
    default:
      throw new ApiError('validation_failed', `Unknown command "${key}".`, {
        errors: [{ path: 'command', message: BILLING_USAGE }],
      });
  }
}
