import { and, eq } from 'drizzle-orm';
import type { Db, Store } from '../../../db/store.js';
import { ApiError } from '../../../errors.js';
import { generateId } from '../../../lib/ids.js';
import type { Clock } from '../../../services.js';
import type {
  RewardDetails,
  RewardItemInput,
  RewardItemPatch,
  RewardItemView,
  RewardKind,
} from '../contract.js';
import { rewardItems } from '../schema.js';

/**
 * The rewards catalog of a license: what each reward costs, its stock and per-learner limit,
 * and the details its kind needs (a feature and days, a coupon's discount, a partner).
 */

export type ItemRow = typeof rewardItems.$inferSelect;

function itemView(row: ItemRow): RewardItemView {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    description: row.description,
    cost: row.cost,
    stock: row.stock,
    perLearnerLimit: row.perLearnerLimit,
    details: row.details,
    active: row.active,
  };
}

/** What the zod schema cannot say: which details each kind of reward needs. */
function detailErrors(kind: RewardKind, details: RewardDetails) {
  const errors: { path: string; message: string }[] = [];
  if (kind === 'feature_unlock') {
    if (!details.feature)
      errors.push({ path: 'body.details.feature', message: 'Required for a feature unlock' });
    if (!details.days)
      errors.push({ path: 'body.details.days', message: 'Required for a feature unlock' });
  }
  if (kind === 'course_coupon' && !details.percentOff === !details.amountOff) {
    errors.push({
      path: 'body.details.percentOff',
      message: 'Give exactly one of percentOff or amountOff',
    });
  }
  if (kind === 'course_coupon' && details.amountOff && !details.currency) {
    errors.push({ path: 'body.details.currency', message: 'Required with amountOff' });
  }
  return errors;
}

function checkDetails(kind: RewardKind, details: RewardDetails): void {
  const errors = detailErrors(kind, details);
  if (errors.length)
    throw new ApiError('validation_failed', 'The reward details are incomplete.', { errors });
}

export async function listItems(
  db: Db,
  licenseId: string,
  options: { activeOnly?: boolean },
): Promise<RewardItemView[]> {
  const rows = await db
    .select()
    .from(rewardItems)
    .where(
      and(
        eq(rewardItems.licenseId, licenseId),
        options.activeOnly ? eq(rewardItems.active, true) : undefined,
      ),
    )
    .orderBy(rewardItems.cost, rewardItems.title);
  return rows.map(itemView);
}

/** One reward of the license, or a 404. */
export async function itemOf(tx: Db, licenseId: string, id: string): Promise<ItemRow> {
  const [row] = await tx
    .select()
    .from(rewardItems)
    .where(and(eq(rewardItems.licenseId, licenseId), eq(rewardItems.id, id)))
    .limit(1);
  if (!row) throw new ApiError('not_found', 'No such reward.');
  return row;
}

export async function createItem(
  store: Store,
  clock: Clock,
  licenseId: string,
  input: RewardItemInput,
): Promise<RewardItemView> {
  const details = input.details ?? {};
  checkDetails(input.kind, details);
  const now = clock.now();
  const [row] = await store.write(async (tx) =>
    tx
      .insert(rewardItems)
      .values({
        id: generateId('rwd'),
        licenseId,
        kind: input.kind,
        title: input.title,
        description: input.description ?? '',
        cost: input.cost,
        stock: input.stock ?? null,
        perLearnerLimit: input.perLearnerLimit ?? null,
        details,
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
      })
      .returning(),
  );
  if (!row) throw new Error('the reward was not recorded');
  return itemView(row);
}

export async function updateItem(
  store: Store,
  clock: Clock,
  licenseId: string,
  id: string,
  patch: RewardItemPatch,
): Promise<RewardItemView> {
  return store.write(async (tx) => {
    const current = await itemOf(tx, licenseId, id);
    const kind = patch.kind ?? current.kind;
    const details = patch.details ?? current.details;
    checkDetails(kind, details);
    const [row] = await tx
      .update(rewardItems)
      .set({ ...patch, kind, details, updatedAt: clock.now() })
      .where(and(eq(rewardItems.licenseId, licenseId), eq(rewardItems.id, id)))
      .returning();
    if (!row) throw new ApiError('not_found', 'No such reward.');
    return itemView(row);
  });
}
