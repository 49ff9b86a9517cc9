import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db, Tx } from '../../db/client.js';
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
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #secrets: Sealer;
  readonly #learners: LearnerDirectory;
  #linkKey: Buffer | undefined;

  constructor(db: Db, clock: Clock, secrets: Sealer, learners: LearnerDirectory) {
    this.#db = db;
    this.#clock = clock;
    this.#secrets = secrets;
    this.#learners = learners;
  }

  /**
   * Writes the receipt of a payment inside the transaction that records its success, with the
   * amount, currency and card of Stripe's charge.
   */
  issueIn(tx: Tx, payment: PaymentRow, intent: Stripe.PaymentIntent, now: Date): ReceiptRow {
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
   * counter row is bumped in the same IMMEDIATE transaction, so the numbers are gapless and
   * never repeat. A second call for the same payment returns the first receipt.
   */
  issueForIn(tx: Tx, payment: PaymentRow, paid: ReceiptSource, now: Date): ReceiptRow {
    const existing = tx.select().from(receipts).where(eq(receipts.paymentId, payment.id)).get();
    if (existing) return existing;
    const { lastNumber } = tx
      .insert(receiptCounters)
      .values({ licenseId: payment.licenseId, lastNumber: 1 })
      .onConflictDoUpdate({
        target: receiptCounters.licenseId,
        set: { lastNumber: sql`${receiptCounters.lastNumber} + 1` },
      })
      .returning({ lastNumber: receiptCounters.lastNumber })
      .get();
    return tx
      .insert(receipts)
      .values({
        id: generateId('rcp'),
        licenseId: payment.licenseId,
        number: lastNumber,
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
      .returning()
      .get();
  }

  #select(db: Db | Tx) {
    return db
      .select({ receipt: receipts, amountRefunded: payments.amountRefunded })
      .from(receipts)
      .innerJoin(payments, eq(payments.id, receipts.paymentId));
  }

  /** The receipt's view; none when its learner is unknown to this server. */
  #view(row: Joined | undefined): ReceiptView | undefined {
    if (!row) return undefined;
    const learner = this.#learners.find(this.#db, row.receipt.licenseId, row.receipt.learnerId);
    return learner ? view(row, learner) : undefined;
  }

  /** A receipt of this learner; another learner's (or tenant's) is not found. */
  get(learner: LearnerKey, receiptId: string): ReceiptView {
    const found = this.#view(
      this.#select(this.#db)
        .where(
          and(
            eq(receipts.id, receiptId),
            eq(receipts.licenseId, learner.licenseId),
            eq(receipts.learnerId, learner.id),
          ),
        )
        .get(),
    );
    if (!found) throw new ApiError('not_found', `No receipt ${receiptId} of yours.`);
    return found;
  }

  /** Any receipt of a license, for the operator. */
  ofLicense(licenseId: string, receiptId: string): ReceiptView {
    const found = this.#view(
      this.#select(this.#db)
        .where(and(eq(receipts.id, receiptId), eq(receipts.licenseId, licenseId)))
        .get(),
    );
    if (!found) throw new ApiError('not_found', `No receipt ${receiptId} in license ${licenseId}.`);
    return found;
  }

  /** The learner's receipts, newest first. */
  list(learner: LearnerKey, options: { limit: number; before?: number | undefined }): ReceiptPage {
    const card = this.#learners.find(this.#db, learner.licenseId, learner.id);
    if (!card) return { receipts: [], nextBefore: null };
    const rows = this.#select(this.#db)
      .where(
        and(
          eq(receipts.licenseId, learner.licenseId),
          eq(receipts.learnerId, learner.id),
          options.before === undefined ? undefined : lt(receipts.number, options.before),
        ),
      )
      .orderBy(desc(receipts.number))
      .limit(options.limit + 1)
      .all();
    const page = rows.slice(0, options.limit).map((row) => view(row, card));
    return {
      receipts: page,
      nextBefore: rows.length > options.limit ? page.at(-1)!.number : null,
    };
  }

  /** The receipt of a payment, if it has one. */
  forPayment(paymentId: string): ReceiptRow | undefined {
    return this.#db.select().from(receipts).where(eq(receipts.paymentId, paymentId)).get();
  }

  /* Signed links */

  /** The key links are signed with: random, made once, kept sealed with the secrets key. */
  #key(): Buffer {
    if (this.#linkKey) return this.#linkKey;
    const context = `payment_link_keys:${LINK_KEY_PURPOSE}`;
    this.#db
      .insert(paymentLinkKeys)
      .values({
        purpose: LINK_KEY_PURPOSE,
        sealed: this.#secrets.seal(randomBytes(32).toString('base64'), context),
        createdAt: this.#clock.now(),
      })
      .onConflictDoNothing()
      .run();
    const row = this.#db
      .select()
      .from(paymentLinkKeys)
      .where(eq(paymentLinkKeys.purpose, LINK_KEY_PURPOSE))
      .get()!;
    this.#linkKey = Buffer.from(this.#secrets.open(row.sealed, context), 'base64');
    return this.#linkKey;
  }

  #mac(receipt: Pick<ReceiptRow, 'id' | 'licenseId' | 'learnerId'>, expires: number): string {
    return createHmac('sha256', this.#key())
      .update(`receipt.v1.${receipt.licenseId}.${receipt.id}.${receipt.learnerId}.${expires}`)
      .digest('base64url');
  }

  /**
   * A path on the API origin that opens the printable receipt without an Authorization
   * header: `access` carries the expiry and an HMAC over the receipt, its learner and that
   * expiry, so it opens this receipt only, for a short while.
   */
  link(receipt: Pick<ReceiptRow, 'id' | 'licenseId' | 'learnerId'>): string {
    const expires = Math.floor(this.#clock.now().getTime() / 1000) + RECEIPT_LINK_TTL_SECONDS;
    const access = `${expires}.${this.#mac(receipt, expires)}`;
    return `/v1/receipts/${encodeURIComponent(receipt.id)}/html?access=${access}`;
  }

  /** The receipt a signed link opens; refuses a forged, altered or expired link. */
  byLink(receiptId: string, access: string): { view: ReceiptView; licenseId: string } {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(access);
    const row = this.#select(this.#db).where(eq(receipts.id, receiptId)).get();
    const found = this.#view(row);
    const refused = new ApiError(
      'forbidden',
      'This receipt link is not valid or has expired. Open the receipt again from where you paid.',
    );
    if (!match || !row || !found) throw refused;
    const expires = Number(match[1]);
    // Both are 43 base64url characters (the pattern above and a SHA-256 HMAC).
    const valid = timingSafeEqual(
      Buffer.from(match[2]!),
      Buffer.from(this.#mac(row.receipt, expires)),
    );
    if (!valid || expires * 1000 <= this.#clock.now().getTime()) throw refused;
    return { view: found, licenseId: row.receipt.licenseId };
  }
}
