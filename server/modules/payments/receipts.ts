import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { first, type Db, type Store, type Tx } from '../../db/store.js';
import { ApiError } from '../../errors.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { ReceiptPage, ReceiptView } from './contract.js';
import type { LearnerCard, LearnerDirectory, Sealer } from './dependencies.js';
import {
  payments,
  paymentLinkKeys,
  receiptCounters,
  receipts,
  type PaymentRow,
  type ReceiptRow,
} from './schema.js';

/** How long a receipt link opened without an Authorization header stays valid. */
export const RECEIPT_LINK_TTL_SECONDS = 60 * 60;

const LINK_KEY_PURPOSE = 'receipt-links';

/** A learner, as the API names a learner the server knows. */
type LearnerKey = { id: string; licenseId: string };

interface Joined {
  receipt: ReceiptRow;
  amountRefunded: number;
}

function view(row: Joined, learner: LearnerCard): ReceiptView {
  const r = row.receipt;
  return {
    id: r.id,
    number: r.number,
    paymentId: r.paymentId,
    paymentIntentId: r.paymentIntentId,
    kind: r.kind,
    item: r.item,
    description: r.description,
    amount: r.amount,
    amountRefunded: row.amountRefunded,
    currency: r.currency,
    card: r.cardBrand && r.cardLast4 ? { brand: r.cardBrand, last4: r.cardLast4 } : null,
    paidAt: r.paidAt.toISOString(),
    learner: { id: r.learnerId, subject: learner.subject, name: learner.name },
  };
}

/** What a receipt says was paid, as Stripe reported it. */
export interface ReceiptSource {
  /** Integer minor units. */
  amount: number;
  currency: string;
  description: string;
  paymentIntentId: string | null;
  chargeId: string | null;
  card: { brand: string; last4: string } | null;
  paidAt: Date;
}

/** The charge behind a payment intent, when the intent was read with it expanded. */
function chargeOf(intent: Stripe.PaymentIntent): Stripe.Charge | null {
  const charge = intent.latest_charge;
  return charge && typeof charge === 'object' ? charge : null;
}

/**
 * Receipts: one per succeeded payment, numbered per license without gaps, readable by the
 * learner who paid, through the API or as a page opened from a signed link.
 */
export class Receipts {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #secrets: Sealer;
  readonly #learners: LearnerDirectory;
  #linkKey: Buffer | undefined;

  constructor(store: Store, clock: Clock, secrets: Sealer, learners: LearnerDirectory) {
    this.#store = store;
    this.#clock = clock;
    this.#secrets = secrets;
    this.#learners = learners;
  }

  /**
   * Writes the receipt of a payment inside the transaction that records its success, with the
   * amount, currency and card of Stripe's charge.
   */
  issueIn(
    tx: Tx,
    payment: PaymentRow,
    intent: Stripe.PaymentIntent,
    now: Date,
  ): Promise<ReceiptRow> {
    const charge = chargeOf(intent);
    const card = charge?.payment_method_details?.card;
    return this.issueForIn(
      tx,
      payment,
      {
        amount: charge?.amount_captured || intent.amount_received || intent.amount,
        currency: charge?.currency ?? intent.currency,
        description: payment.description ?? intent.description ?? `${payment.kind} ${payment.item}`,
        paymentIntentId: intent.id,
        chargeId:
          charge?.id ?? (typeof intent.latest_charge === 'string' ? intent.latest_charge : null),
        card: card?.brand && card.last4 ? { brand: card.brand, last4: card.last4 } : null,
        paidAt: charge ? new Date(charge.created * 1000) : now,
      },
      now,
    );
  }

  /**
   * Writes the receipt of a payment from what Stripe reported paid (a charge, an invoice). The
   * counter row is bumped in the same write (which holds the store's write lock), so the
   * numbers are gapless and never repeat. A second call for the same payment returns the first
   * receipt.
   */
  async issueForIn(
    tx: Tx,
    payment: PaymentRow,
    paid: ReceiptSource,
    now: Date,
  ): Promise<ReceiptRow> {
    const existing = first(
      await tx.select().from(receipts).where(eq(receipts.paymentId, payment.id)).limit(1),
    );
    if (existing) return existing;
    const [counter] = await tx
      .insert(receiptCounters)
      .values({ licenseId: payment.licenseId, lastNumber: 1 })
      .onConflictDoUpdate({
        target: receiptCounters.licenseId,
        set: { lastNumber: sql`${receiptCounters.lastNumber} + 1` },
      })
      .returning({ lastNumber: receiptCounters.lastNumber });
    const [receipt] = await tx
      .insert(receipts)
      .values({
        id: generateId('rcp'),
        licenseId: payment.licenseId,
        number: counter!.lastNumber,
        paymentId: payment.id,
        learnerId: payment.learnerId,
        kind: payment.kind,
        item: payment.item,
        description: paid.description,
        amount: paid.amount,
        currency: paid.currency.toUpperCase(),
        paymentIntentId: paid.paymentIntentId,
        chargeId: paid.chargeId,
        cardBrand: paid.card?.brand ?? null,
        cardLast4: paid.card?.last4 ?? null,
        paidAt: paid.paidAt,
        createdAt: now,
      })
      .returning();
    return receipt!;
  }

  #select(db: Db) {
    return db
      .select({ receipt: receipts, amountRefunded: payments.amountRefunded })
      .from(receipts)
      .innerJoin(payments, eq(payments.id, receipts.paymentId));
  }

  /** The receipt's view; none when its learner is unknown to this server. */
  async #view(row: Joined | undefined): Promise<ReceiptView | undefined> {
    if (!row) return undefined;
    const learner = await this.#learners.find(
      this.#store.db,
      row.receipt.licenseId,
      row.receipt.learnerId,
    );
    return learner ? view(row, learner) : undefined;
  }

  /** A receipt of this learner; another learner's (or tenant's) is not found. */
  async get(learner: LearnerKey, receiptId: string): Promise<ReceiptView> {
    const found = await this.#view(
      first(
        await this.#select(this.#store.db)
          .where(
            and(
              eq(receipts.id, receiptId),
              eq(receipts.licenseId, learner.licenseId),
              eq(receipts.learnerId, learner.id),
            ),
          )
          .limit(1),
      ),
    );
    if (!found) throw new ApiError('not_found', `No receipt ${receiptId} of yours.`);
    return found;
  }

  /** Any receipt of a license, for the operator. */
  async ofLicense(licenseId: string, receiptId: string): Promise<ReceiptView> {
    const found = await this.#view(
      first(
        await this.#select(this.#store.db)
          .where(and(eq(receipts.id, receiptId), eq(receipts.licenseId, licenseId)))
          .limit(1),
      ),
    );
    if (!found) throw new ApiError('not_found', `No receipt ${receiptId} in license ${licenseId}.`);
    return found;
  }

  /** The learner's receipts, newest first. */
  async list(
    learner: LearnerKey,
    options: { limit: number; before?: number | undefined },
  ): Promise<ReceiptPage> {
    const card = await this.#learners.find(this.#store.db, learner.licenseId, learner.id);
    if (!card) return { receipts: [], nextBefore: null };
    const rows = await this.#select(this.#store.db)
      .where(
        and(
          eq(receipts.licenseId, learner.licenseId),
          eq(receipts.learnerId, learner.id),
          options.before === undefined ? undefined : lt(receipts.number, options.before),
        ),
      )
      .orderBy(desc(receipts.number))
      .limit(options.limit + 1);
    const page = rows.slice(0, options.limit).map((row) => view(row, card));
    return {
      receipts: page,
      nextBefore: rows.length > options.limit ? page.at(-1)!.number : null,
    };
  }

  /** The receipt of a payment, if it has one. */
  async forPayment(paymentId: string): Promise<ReceiptRow | undefined> {
    return first(
      await this.#store.db
        .select()
        .from(receipts)
        .where(eq(receipts.paymentId, paymentId))
        .limit(1),
    );
  }

  /* Signed links */

  /**
   * The key links are signed with: random, made once, kept sealed with the secrets key. The
   * first process to need it writes it; every other one (and every later start) reads it.
   */
  async #key(): Promise<Buffer> {
    if (this.#linkKey) return this.#linkKey;
    const context = `payment_link_keys:${LINK_KEY_PURPOSE}`;
    const stored = async (db: Db) =>
      first(
        await db
          .select()
          .from(paymentLinkKeys)
          .where(eq(paymentLinkKeys.purpose, LINK_KEY_PURPOSE))
          .limit(1),
      );
    const row =
      (await stored(this.#store.db)) ??
      (await this.#store.write(async (tx) => {
        await tx
          .insert(paymentLinkKeys)
          .values({
            purpose: LINK_KEY_PURPOSE,
            sealed: this.#secrets.seal(randomBytes(32).toString('base64'), context),
            createdAt: this.#clock.now(),
          })
          .onConflictDoNothing();
        return (await stored(tx))!;
      }));
    this.#linkKey = Buffer.from(this.#secrets.open(row.sealed, context), 'base64');
    return this.#linkKey;
  }

  async #mac(
    receipt: Pick<ReceiptRow, 'id' | 'licenseId' | 'learnerId'>,
    expires: number,
  ): Promise<string> {
    return createHmac('sha256', await this.#key())
      .update(`receipt.v1.${receipt.licenseId}.${receipt.id}.${receipt.learnerId}.${expires}`)
      .digest('base64url');
  }

  /**
   * A path on the API origin that opens the printable receipt without an Authorization
   * header: `access` carries the expiry and an HMAC over the receipt, its learner and that
   * expiry, so it opens this receipt only, for a short while.
   */
  async link(receipt: Pick<ReceiptRow, 'id' | 'licenseId' | 'learnerId'>): Promise<string> {
    const expires = Math.floor(this.#clock.now().getTime() / 1000) + RECEIPT_LINK_TTL_SECONDS;
    const access = `${expires}.${await this.#mac(receipt, expires)}`;
    return `/v1/receipts/${encodeURIComponent(receipt.id)}/html?access=${access}`;
  }

  /** The receipt a signed link opens; refuses a forged, altered or expired link. */
  async byLink(
    receiptId: string,
    access: string,
  ): Promise<{ view: ReceiptView; licenseId: string }> {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(access);
    const row = first(
      await this.#select(this.#store.db).where(eq(receipts.id, receiptId)).limit(1),
    );
    const found = await this.#view(row);
    const refused = new ApiError(
      'forbidden',
      'This receipt link is not valid or has expired. Open the receipt again from where you paid.',
    );
    if (!match || !row || !found) throw refused;
    const expires = Number(match[1]);
    // Both are 43 base64url characters (the pattern above and a SHA-256 HMAC).
    const valid = timingSafeEqual(
      Buffer.from(match[2]!),
      Buffer.from(await this.#mac(row.receipt, expires)),
    );
    if (!valid || expires * 1000 <= this.#clock.now().getTime()) throw refused;
    return { view: found, licenseId: row.receipt.licenseId };
  }
}
