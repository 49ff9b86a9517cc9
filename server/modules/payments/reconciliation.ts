import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { first, type Store } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { requireStripe, stripeError } from '../../lib/stripe.js';
import type { Clock } from '../../services.js';
import { stripeReconciliation } from './schema.js';
import type { StripeEvents } from './stripe-events.js';

/** Stripe lists the events of the last 30 days, and no older ones. */
export const STRIPE_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/**
 * How far back each timed run starts before the point the last one covered: an event can show
 * in Stripe's list a little after its `created` time. Events seen twice cost one lookup.
 */
const OVERLAP_MS = 10 * 60 * 1000;
const WATERMARK_ID = 'events';

/** What one reconciliation run found. */
export interface ReconcileReport {
  /** The window listed (ISO times), by the events' `created`. */
  since: string;
  until: string;
  /** Events Stripe listed in the window. */
  listed: number;
  /** Events applied by this run: the ones no webhook had brought. */
  applied: number;
  /** Events already applied before (a webhook, or an earlier run brought them). */
  alreadyApplied: number;
  /** Events that could not be applied now; a later run (or Stripe's retry) tries again. */
  failed: { eventId: string; type: string; error: string }[];
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Stripe reconciliation: reads Stripe's event list for a window and applies every event the
 * webhook endpoint missed, through the same intake as a delivery (`StripeEvents.apply`), so
 * each is applied exactly once whichever path brings it first. On a timer it carries on from
 * the point the last complete run covered (kept in `stripe_reconciliation`), so an endpoint
 * down for days loses nothing Stripe still lists.
 */
export class Reconciliation {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #stripe: Stripe | null;
  readonly #logger: Logger;
  readonly #events: StripeEvents;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;

  constructor(options: {
    store: Store;
    clock: Clock;
    stripe: Stripe | null;
    logger: Logger;
    events: StripeEvents;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#stripe = options.stripe;
    this.#logger = options.logger;
    this.#events = options.events;
  }

  /**
   * Lists Stripe's events created from `since` (at most 30 days back, not in the future) until
   * now and applies those not applied yet.
   */
  async run(options: { since: Date }): Promise<ReconcileReport> {
    const now = this.#clock.now();
    const { since } = options;
    if (
      Number.isNaN(since.getTime()) ||
      since.getTime() < now.getTime() - STRIPE_EVENT_RETENTION_MS ||
      since > now
    ) {
      throw new ApiError(
        'validation_failed',
        'The start must be a time within the last 30 days: Stripe lists no older events.',
        { errors: [{ path: 'since', message: 'Within the last 30 days, not in the future' }] },
      );
    }
    return (await this.#reconcile(since, now)).report;
  }

  /**
   * Applies the missed events of a window. `coveredUntil` is how far every event is now
   * applied: the window's end, or the oldest event that failed.
   */
  async #reconcile(
    since: Date,
    until: Date,
  ): Promise<{ report: ReconcileReport; coveredUntil: Date }> {
    const stripe = requireStripe(this.#stripe);
    let oldestFailed: number | undefined;
    const report: ReconcileReport = {
      since: since.toISOString(),
      until: until.toISOString(),
      listed: 0,
      applied: 0,
      alreadyApplied: 0,
      failed: [],
    };
    // Newest first, as Stripe lists them, one page at a time; each event's effect re-reads
    // its object, so the order they are applied in does not matter.
    const events = stripe.events.list({
      created: { gte: unixSeconds(since), lte: unixSeconds(until) },
      limit: 100,
    });
    try {
      for await (const event of events) {
        report.listed += 1;
        try {
          const outcome = await this.#events.apply(event);
          if (outcome.duplicate) report.alreadyApplied += 1;
          else report.applied += 1;
        } catch (error) {
          const failure = stripeError(error);
          report.failed.push({ eventId: event.id, type: event.type, error: failure.message });
          oldestFailed = Math.min(oldestFailed ?? event.created, event.created);
        }
      }
    } catch (error) {
      this.#logger.warn({ err: error }, 'stripe events not listed');
      throw stripeError(error);
    }
    if (report.applied || report.failed.length) {
      this.#logger.info(
        { ...report, failed: report.failed.length },
        'stripe reconciliation applied missed events',
      );
    }
    for (const failed of report.failed) {
      this.#logger.warn(failed, 'stripe event not reconciled');
    }
    const coveredUntil = oldestFailed === undefined ? until : new Date(oldestFailed * 1000);
    return { report, coveredUntil };
  }

  /**
   * One timed run: from where the last run got to (less an overlap), or 30 days back the first
   * time. The point moves on to the oldest event that could not be applied, else to now.
   */
  async runFromWatermark(): Promise<ReconcileReport> {
    const now = this.#clock.now();
    const oldest = now.getTime() - STRIPE_EVENT_RETENTION_MS;
    const mark = first(
      await this.#store.db
        .select()
        .from(stripeReconciliation)
        .where(eq(stripeReconciliation.id, WATERMARK_ID))
        .limit(1),
    );
    const since = new Date(Math.max(oldest, (mark?.coveredUntil.getTime() ?? 0) - OVERLAP_MS));
    const { report, coveredUntil } = await this.#reconcile(since, now);
    const values = { coveredUntil, updatedAt: this.#clock.now() };
    await this.#store.write(async (tx) => {
      await tx
        .insert(stripeReconciliation)
        .values({ id: WATERMARK_ID, ...values })
        .onConflictDoUpdate({ target: stripeReconciliation.id, set: values });
    });
    return report;
  }

  /** Runs at once, then every `intervalMs`; never two runs at once. */
  start(intervalMs: number): void {
    if (this.#timer || intervalMs <= 0 || !this.#stripe) return;
    const tick = () => {
      if (this.#running) return;
      this.#running = this.runFromWatermark()
        .catch((error: unknown) =>
          this.#logger.warn({ err: error }, 'stripe reconciliation failed'),
        )
        .finally(() => (this.#running = undefined));
    };
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
    tick();
  }

  /** Stops the timer and waits for a run in progress, so it ends before the database closes. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
