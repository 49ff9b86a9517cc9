import { invalidRequest, resourceMissing } from './errors.js';
import type { JsonObject } from './json.js';
import type { Params } from './params.js';

/**
 * Stripe's cursor pagination over objects kept newest first: `limit` (1–100, default 10),
 * `starting_after` and `ending_before` object ids.
 */
export function paginate<T extends { id: string }>(
  newestFirst: readonly T[],
  params: Params,
  url: string,
  serialize: (item: T) => JsonObject,
  noun: string,
): JsonObject {
  const limit = params.int('limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = params.string('starting_after');
  const endingBefore = params.string('ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest(
      'You may only specify one of these parameters: ending_before, starting_after.',
      {
        param: 'ending_before',
      },
    );
  }
  let page: readonly T[];
  let hasMore: boolean;
  if (startingAfter) {
    const index = newestFirst.findIndex((item) => item.id === startingAfter);
    if (index === -1) throw resourceMissing(noun, startingAfter, 'starting_after');
    const rest = newestFirst.slice(index + 1);
    page = rest.slice(0, limit);
    hasMore = rest.length > limit;
  } else if (endingBefore) {
    const index = newestFirst.findIndex((item) => item.id === endingBefore);
    if (index === -1) throw resourceMissing(noun, endingBefore, 'ending_before');
    const before = newestFirst.slice(0, index);
    page = before.slice(Math.max(0, before.length - limit));
    hasMore = before.length > limit;
  } else {
    page = newestFirst.slice(0, limit);
    hasMore = newestFirst.length > limit;
  }
  return { object: 'list', data: page.map(serialize), has_more: hasMore, url };
}

/** `created=…` or `created[gte]=…` style range filters used by list endpoints. */
export function createdFilter(params: Params, key = 'created'): (created: number) => boolean {
  if (!params.has(key)) return () => true;
  const exact = typeof params.raw(key) === 'string' ? params.int(key, { min: 0 }) : undefined;
  if (exact !== undefined) return (c) => c === exact;
  const range = params.object(key);
  if (!range) return () => true;
  range.allowOnly(['gt', 'gte', 'lt', 'lte']);
  const gt = range.int('gt');
  const gte = range.int('gte');
  const lt = range.int('lt');
  const lte = range.int('lte');
  return (c) =>
    (gt === undefined || c > gt) &&
    (gte === undefined || c >= gte) &&
    (lt === undefined || c < lt) &&
    (lte === undefined || c <= lte);
}

export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'expand'] as const;

/** Newest first, ties broken by creation order so pagination stays stable within a second. */
export function newestFirst<T extends { created: number }>(items: Iterable<T>): T[] {
  return [...items].reverse().sort((a, b) => b.created - a.created);
}
