import { and, asc, eq, inArray } from 'drizzle-orm';
import { first, type Store, type Tx } from '../../db/store.js';
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
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #secrets: SecretBox;
  readonly #allowLoopback: boolean;

  constructor(options: {
    store: Store;
    clock: Clock;
    secrets: SecretBox;
    allowLoopback?: boolean;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#secrets = options.secrets;
    this.#allowLoopback = options.allowLoopback ?? false;
  }

  /** Adds an endpoint; the answer carries its signing secret, which is never shown again. */
  async create(licenseId: string, input: WebhookEndpointInput): Promise<WebhookEndpointCreated> {
    this.#validate(input);
    const id = generateId('we');
    const secret = generateEndpointSecret();
    const now = this.#clock.now();
    const sealedSecret = this.#secrets.seal(secret, endpointSecretContext(licenseId, id));
    const [row] = await this.#store.write((tx) =>
      tx
        .insert(webhookEndpoints)
        .values({
          id,
          licenseId,
          url: input.url,
          description: input.description ?? null,
          eventTypes: [...new Set(input.eventTypes ?? [])],
          sealedSecret,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    return { endpoint: endpointView(row!), secret };
  }

  async list(licenseId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.#store.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.licenseId, licenseId))
      .orderBy(asc(webhookEndpoints.createdAt));
    return rows.map(endpointView);
  }

  async update(
    licenseId: string,
    endpointId: string,
    patch: WebhookEndpointPatch,
  ): Promise<WebhookEndpoint> {
    this.#validate(patch);
    const row = await this.#store.write(async (tx) => {
      await this.#existing(tx, licenseId, endpointId);
      const [updated] = await tx
        .update(webhookEndpoints)
        .set({
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
          ...(patch.status !== undefined ? { status: patch.status } : {}),
          updatedAt: this.#clock.now(),
        })
        .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
        .returning();
      return updated!;
    });
    return endpointView(row);
  }

  /** Removes an endpoint with its deliveries and their log. */
  async delete(licenseId: string, endpointId: string): Promise<void> {
    await this.#store.write(async (tx) => {
      await this.#existing(tx, licenseId, endpointId);
      const ids = (
        await tx
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.endpointId, endpointId))
      ).map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        await tx
          .delete(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, ids.slice(i, i + 500)));
      }
      await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
      await tx
        .delete(webhookEndpoints)
        .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)));
    });
  }

  async #existing(tx: Tx, licenseId: string, endpointId: string): Promise<WebhookEndpointRow> {
    const row = first(
      await tx
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.licenseId, licenseId), eq(webhookEndpoints.id, endpointId)))
        .limit(1),
    );
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
