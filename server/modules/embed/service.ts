import { createHash } from 'node:crypto';
import { presets, type Theme } from '../../../themes/tokens.js';
import type { AppConfig } from '../../services.js';
import type { License } from '../licenses/schema.js';

export interface EmbedConfig {
  license: {
    id: string;
    name: string;
    status: License['status'];
    plan: string;
    mode: License['mode'];
  };
  features: string[];
  theme: Theme & { version: number };
  locale: string;
  currency: string;
  payments: { provider: 'stripe'; mode: License['mode']; stripePublishableKey: string | null };
  publishableKey: string;
}

interface Cached {
  body: string;
  etag: string;
}

/**
 * Builds what a widget needs to boot. The serialized body and its ETag are memoized per
 * loaded license object: the license cache hands out a new object whenever it reloads a row
 * (after `invalidate` or its TTL), so a change is never hidden by a stale body, even when
 * `updatedAt` did not move. The hot path is a map lookup and a string write.
 */
export class EmbedConfigService {
  readonly #config: AppConfig;
  readonly #cache = new WeakMap<License, Cached>();

  constructor(config: AppConfig) {
    this.#config = config;
  }

  build(license: License): EmbedConfig {
    return {
      license: {
        id: license.id,
        name: license.name,
        status: license.status,
        plan: license.plan,
        mode: license.mode,
      },
      features: license.features,
      theme: { ...presets.light, version: 0 },
      locale: license.locale,
      currency: license.currency,
      payments: {
        provider: 'stripe',
        mode: license.mode,
        stripePublishableKey: this.#config.stripePublishableKey ?? null,
      },
      publishableKey: license.publishableKey,
    };
  }

  serialized(license: License): Cached {
    const hit = this.#cache.get(license);
    if (hit) return hit;
    const body = JSON.stringify(this.build(license));
    const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const entry = { body, etag };
    this.#cache.set(license, entry);
    return entry;
  }
}
