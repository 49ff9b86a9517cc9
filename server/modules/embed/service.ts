import { createHash } from 'node:crypto';
import { presets, type Theme } from '../../../themes/tokens.js';
import type { AppConfig } from '../../services.js';
import type { License } from '../licenses/schema.js';

export interface EmbedConfig {
  license: { id: string; name: string; status: License['status']; plan: string; mode: License['mode'] };
  features: string[];
  theme: Theme & { version: number };
  locale: string;
  currency: string;
  payments: { provider: 'stripe'; mode: License['mode']; stripePublishableKey: string | null };
  publishableKey: string;
}

interface Cached {
  stamp: number;
  body: string;
  etag: string;
}

/**
 * Builds what a widget needs to boot. The serialized body and its ETag are memoized per
 * license and rebuilt when the license row changes (its `updatedAt` moves), so the hot path
 * is a map lookup and a string write.
 */
export class EmbedConfigService {
  readonly #config: AppConfig;
  readonly #cache = new Map<string, Cached>();

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
    const stamp = license.updatedAt.getTime();
    const hit = this.#cache.get(license.id);
    if (hit && hit.stamp === stamp) return hit;
    const body = JSON.stringify(this.build(license));
    const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const entry = { stamp, body, etag };
    this.#cache.set(license.id, entry);
    return entry;
  }
}
