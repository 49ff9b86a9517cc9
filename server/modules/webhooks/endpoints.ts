import { and, asc, eq, inArray } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client.js';
import { ApiError } from '../../errors.js';
import { generateId } from '../../lib/ids.js';
import type { Clock } from '../../services.js';
import type { SecretBox } from '../licenses/secrets.js';
import {
  EVENT_TYPE_PATTERN,
  type WebhookEndpoint,
  type WebhookEndpointCreated,
  type WebhookEndpointInput,
  type WebhookEndpointPatch,
} from './contract.js';
import { endpointUrlProblem } from './addresses.js';
import {
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type WebhookEndpointRow,
} from './schema.js';
import { endpointSecretContext, generateEndpointSecret } from './signing.js';

function endpointView(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * The customer's webhook endpoints, per license: where events go, which types, active or
 * disabled. Every check the admin API makes, the CLI gets too, since both call this.
 */
export class WebhookEndpoints {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #secrets: SecretBox;
  readonly #allowLoopback: boolean;

  constructor(options: { db: Db; clock: Clock; secrets: SecretBox; allowLoopback?: boolean }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#secrets = options.secrets;
    this.#allowLoopback = options.allowLoopback ?? false;
  }

  /** Adds an endpoint; the answer carries its signing secret, which is never shown again. */
  create(licenseId: string, input: WebhookEndpointInput): WebhookEndpointCreated {
    this.#validate(input);
    const id = generateId('we');
    const secret = generateEndpointSecret();
    const now = this.#clock.now();
    const row = this.#db
      .insert(webhookEndpoints)
      .values({
        id,
        licenseId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: [...new Set(input.eventTypes ?? [])],
        sealedSecret: this.#secrets.seal(secret, endpointSecretContext(licenseId, id)),
        status: 'active',
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    return { endpoint: endpointView(row), secret };
  }

  list(licenseId: string): WebhookEndpoint[] {
    return this.#db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.licenseId, licenseId))
      .orderBy(asc(webhookEndpoints.createdAt))
      .all()
      .map(endpointView);
  }

  update(licenseId: string, endpointId: string, patch: WebhookEndpointPatch): WebhookEndpoint {
    this.#validate(patch);
    this.#existing(licenseId, endpointId);
    const row = this.#db
      .update(webhookEndpoints)
      .set({
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updatedAt: this.#clock.now(),
      })
      .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
      .returning()
      .get();
    return endpointView(row);
  }

  /** Removes an endpoint with its deliveries and their log. */
  delete(licenseId: string, endpointId: string): void {
    this.#existing(licenseId, endpointId);
    writeTransaction(this.#db, (tx) => {
      const ids = tx
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpointId))
        .all()
        .map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        tx.delete(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, ids.slice(i, i + 500)))
          .run();
      }
      tx.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId)).run();
      tx.delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
        .run();
    });
  }

  #existing(licenseId: string, endpointId: string): WebhookEndpointRow {
    const row = this.#db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
      .get();
    if (!row) throw new ApiError('not_found', `No webhook endpoint ${endpointId}.`);
    return row;
  }

  /** The checks the CLI needs as much as the API, whose schema has done part of them. */
  #validate(input: Partial<WebhookEndpointInput>): void {
    const errors = [];
    if (input.url !== undefined) {
      const problem =
        input.url.length > 2000
          ? 'is too long'
          : endpointUrlProblem(input.url, this.#allowLoopback);
      if (problem) errors.push({ path: 'body.url', message: `The URL ${problem}.` });
    }
    for (const [i, type] of (input.eventTypes ?? []).entries()) {
      if (!EVENT_TYPE_PATTERN.test(type) || type.length > 100) {
        errors.push({
          path: `body.eventTypes.${i}`,
          message: 'An event type such as `purchase.completed`, or a family such as `redemption.*`',
        });
      }
    }
    if (errors.length) {
      throw new ApiError('validation_failed', `${errors.length} field(s) failed validation.`, {
        errors,
      });
    }
  }
}
