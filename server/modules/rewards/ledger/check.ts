import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../../db/store.js';
import type { LedgerCheck } from '../contract.js';

/**
 * Proves the books balance: each transaction's postings sum to zero, each stored balance
 * equals the replay of its postings, no learner is below zero, and the unexpired lots add up
 * to each learner's balance. Pass no license to check every tenant.
 *
 * The SQL is written for SQLite and PostgreSQL alike: the derived table is named, sums and
 * counts are read back as numbers (both stores hand them over as such).
 */
export async function checkBooks(db: Db, licenseId?: string): Promise<LedgerCheck> {
  const problems: string[] = [];
  const tenant = (column: string) =>
    licenseId ? sql` and ${sql.raw(column)} = ${licenseId}` : sql``;
  const unbalanced = await rows<{ id: string; total: number }>(
    db,
    sql`select transaction_id as id, sum(amount) as total from reward_postings where 1 = 1${tenant('license_id')} group by transaction_id having sum(amount) != 0`,
  );
  for (const t of unbalanced) {
    problems.push(`transaction ${t.id}: postings sum to ${Number(t.total)}`);
  }
  const orphans = await rows<{ id: string }>(
    db,
    sql`select t.id from reward_transactions t where not exists (select 1 from reward_postings p where p.transaction_id = t.id)${tenant('t.license_id')}`,
  );
  for (const t of orphans) problems.push(`transaction ${t.id}: no postings`);
  const mismatched = await rows<{
    license: string;
    account: string;
    stored: number | null;
    replay: number | null;
  }>(
    db,
    sql`select license_id as license, account, stored, replay from (
          select a.license_id, a.account, a.balance as stored,
            (select coalesce(sum(p.amount), 0) from reward_postings p where p.license_id = a.license_id and p.account = a.account) as replay
          from reward_accounts a
          union all
          select p.license_id, p.account, null, sum(p.amount) from reward_postings p
          where not exists (select 1 from reward_accounts a where a.license_id = p.license_id and a.account = p.account)
          group by p.license_id, p.account
        ) as balances where (stored is null or stored != replay)${tenant('license_id')}`,
  );
  for (const m of mismatched) {
    const stored = m.stored === null ? 'missing' : Number(m.stored);
    problems.push(`${m.license} ${m.account}: stored ${stored}, replay ${Number(m.replay)}`);
  }
  const negative = await rows<{ license: string; account: string; balance: number }>(
    db,
    sql`select license_id as license, account, balance from reward_accounts where account like 'learner:%' and balance < 0${tenant('license_id')}`,
  );
  for (const n of negative) {
    problems.push(`${n.license} ${n.account}: negative balance ${Number(n.balance)}`);
  }
  const lots = await rows<{ license: string; learner: string; balance: number; lots: number }>(
    db,
    sql`select a.license_id as license, substr(a.account, 9) as learner, a.balance,
          (select coalesce(sum(l.remaining), 0) from reward_lots l where l.license_id = a.license_id and l.learner_id = substr(a.account, 9)) as lots
        from reward_accounts a where a.account like 'learner:%'${tenant('a.license_id')}
        and a.balance != (select coalesce(sum(l.remaining), 0) from reward_lots l where l.license_id = a.license_id and l.learner_id = substr(a.account, 9))`,
  );
  for (const l of lots) {
    problems.push(
      `${l.license} learner:${l.learner}: balance ${Number(l.balance)}, lots ${Number(l.lots)}`,
    );
  }
  const count = async (table: string) => {
    const [row] = await rows<{ n: number }>(
      db,
      sql`select count(*) as n from ${sql.raw(table)} where 1 = 1${tenant('license_id')}`,
    );
    return Number(row?.n ?? 0);
  };
  return {
    ok: problems.length === 0,
    transactions: await count('reward_transactions'),
    postings: await count('reward_postings'),
    accounts: await count('reward_accounts'),
    problems,
  };
}
