import { createHash } from 'node:crypto';
import type { AppConfig } from '../../services.js';
import type { License } from '../licenses/schema.js';
import type { Delivered, ThemeService } from '../themes/service.js';
import type { EmbedConfig } from './contract.js';

interface Cached {
  body: string;
  etag: string;
  /** The theme version the body was built with. */
  themeVersion: number;
}

/**
 * Builds what a widget needs to boot. The serialized body and its ETag are memoized per
 * loaded license object: the license cache hands out a new object whenever it reloads a row
 * (after `invalidate` or its TTL), so a change is never hidden by a stale body, even when
 * `updatedAt` did not move. A memoized body also remembers its theme version: publishing or
 * rolling back a theme moves the live version, so the next request rebuilds the body and its
 * ETag. The hot path is two map lookups and a string write.
 */
export class EmbedConfigService {
  readonly #config: AppConfig;
  readonly #themes: ThemeService;
  readonly #cache = new WeakMap<License, Cached>();

  constructor(config: AppConfig, themes: ThemeService) {
    this.#config = config;
    this.#themes = themes;
  }

  /** The configuration, with the live theme or, for the editor's preview, another one. */
  async build(license: License, given?: Delivered): Promise<EmbedConfig> {
    const theme = given ?? (await this.#themes.live(license.id));
    return {
      license: {
        id: license.id,
        name: license.name,
        status: license.status,
        plan: license.plan,
        mode: license.mode,
      },
      features: license.features,
      theme: { ...theme.theme, version: theme.version },
      locale: license.locale,
      currency: license.currency,
      payments: {
        provider: 'stripe',
        mode: license.mode,
        stripePublishableKey: this.#config.stripePublishableKey ?? null,
        stripeJsUrl: this.#config.stripeJsUrl ?? null,
      },
      publishableKey: license.publishableKey,
    };
  }

  async serialized(license: License): Promise<Cached> {
    const theme = await this.#themes.live(license.id);
    const hit = this.#cache.get(license);
    if (hit && hit.themeVersion === theme.version) return hit;
    const body = JSON.stringify(await this.build(license, theme));
    const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const entry = { body, etag, themeVersion: theme.version };
    this.#cache.set(license, entry);
    return entry;
  }
}
