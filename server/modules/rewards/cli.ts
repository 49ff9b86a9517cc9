import { randomUUID } from 'node:crypto';
import { licenseFlag, required, type CommandOutput } from '../../cli/command.js';
import { ApiError } from '../../errors.js';
import type { Services } from '../../services.js';
import { redemptionStatuses, type RedemptionStatus, type RedemptionView } from './contract.js';

export const REWARDS_USAGE = `  rewards check [--license <id>]           (exit 1 unless every posting and balance adds up)
  rewards redemptions --license <id> [--status requested|fulfilled|rejected|canceled]
  rewards fulfil <redemption id> --license <id> [--note <text>]
  rewards reject <redemption id> --license <id> [--note <text>]   (returns the tokens)
  rewards grant --license <id> --learner <id> --amount <n> --reason <text> [--key <idempotency key>]
  rewards expire --license <id>                (expires tokens past their date now)
`;

export interface RewardsFlags {
  license?: string | undefined;
  status?: string | undefined;
  note?: string | undefined;
  learner?: string | undefined;
  amount?: string | undefined;
  reason?: string | undefined;
  key?: string | undefined;
}

const line = (r: RedemptionView & { learnerId?: string }) =>
  `${r.id}  ${r.status.padEnd(9)}  ${String(r.cost).padStart(6)}  ${r.kind.padEnd(14)}  ${r.title}` +
  (r.learnerId ? `  (learner ${r.learnerId})` : '') +
  (r.note ? `  — ${r.note}` : '');

/** `npm run admin -- rewards …`: the same service calls as the admin API. */
export async function rewardsCommand(
  services: Services,
  command: string,
  positionals: string[],
  flags: RewardsFlags,
): Promise<CommandOutput> {
  const { ledger, redemptions } = services.rewards;
  switch (command) {
    case 'check': {
      const result = await ledger.check(flags.license);
      if (!result.ok) {
        throw new ApiError(
          'conflict',
          `The ledger does not balance:\n  ${result.problems.join('\n  ')}`,
          { extensions: { result } },
        );
      }
      return {
        json: result,
        text: `ok: ${result.transactions} transactions, ${result.postings} postings and ${result.accounts} accounts balance; no learner is below zero.`,
      };
    }
    case 'redemptions': {
      const status = flags.status as RedemptionStatus | undefined;
      if (status && !redemptionStatuses.includes(status)) {
        throw new ApiError('validation_failed', `Unknown status "${status}".`, {
          errors: [{ path: 'flags.--status', message: redemptionStatuses.join(', ') }],
        });
      }
      const items = await redemptions.redemptionsWithLearner(
        await licenseFlag(services, flags.license),
        {
          limit: 500,
          ...(status ? { status } : {}),
        },
      );
      return {
        json: { items },
        text: items.length ? items.map(line).join('\n') : 'No redemptions.',
      };
    }
    case 'fulfil':
    case 'reject': {
      const [id] = positionals;
      const licenseId = await licenseFlag(services, flags.license);
      const done =
        command === 'fulfil'
          ? await redemptions.fulfil(licenseId, required(id, 'redemption id'), flags.note ?? null)
          : await redemptions.reject(licenseId, required(id, 'redemption id'), flags.note ?? null);
      return { json: done, text: line(done) };
    }
    case 'grant': {
      const amount = Number(required(flags.amount, '--amount'));
      if (!Number.isSafeInteger(amount) || amount < 1) {
        throw new ApiError('validation_failed', '--amount must be a whole number of tokens.', {
          errors: [{ path: 'flags.--amount', message: 'Expected a positive integer' }],
        });
      }
      const result = await ledger.bonus(await licenseFlag(services, flags.license), {
        learnerId: required(flags.learner, '--learner'),
        amount,
        reason: required(flags.reason, '--reason'),
        idempotencyKey: `operator:${flags.key ?? randomUUID()}`,
      });
      return { json: result, text: `granted ${amount}; balance now ${result.balance}` };
    }
    case 'expire': {
      const expired = await ledger.expireDue(await licenseFlag(services, flags.license));
      return { json: { expired }, text: `${expired} token(s) expired.` };
    }
    default:
      throw new ApiError('validation_failed', `Unknown rewards command "${command}".`, {
        errors: [{ path: 'command', message: REWARDS_USAGE }],
      });
  }
}
