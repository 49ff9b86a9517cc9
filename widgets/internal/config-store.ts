import type { EmbedConfig } from '../../server/modules/embed/contract.js';
import { ApiClient, LxApiError } from './api-client.js';

export type { EmbedConfig };

export type ConfigState =
  | { status: 'loading' }
  | { status: 'ready'; config: EmbedConfig }
  | { status: 'error'; error: LxApiError };

type Listener = (state: ConfigState) => void;

/**
 * The embed configuration of one license, fetched once per page however many widgets ask,
 * with loading / ready / error states that every subscriber sees.
 */
export class ConfigStore {
  state: ConfigState = { status: 'loading' };
  readonly #client: ApiClient;
  readonly #listeners = new Set<Listener>();
  #inflight: Promise<void> | undefined;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    listener(this.state);
    if (!this.#inflight) void this.load();
    return () => this.#listeners.delete(listener);
  }

  /** (Re)fetches the configuration; concurrent callers share one request. */
  load(): Promise<void> {
    if (this.state.status !== 'loading') this.#set({ status: 'loading' });
    this.#inflight = this.#client
      .get<EmbedConfig>('v1/embed/config')
      .then((config) => this.#set({ status: 'ready', config }))
      .catch((error: unknown) =>
        this.#set({
          status: 'error',
          error:
            error instanceof LxApiError
              ? error
              : new LxApiError('client_error', 0, (error as Error).message ?? String(error)),
        }),
      );
    return this.#inflight;
  }

  #set(state: ConfigState): void {
    this.state = state;
    for (const listener of this.#listeners) listener(state);
  }
}

const stores = new Map<string, ConfigStore>();

export function configStore(api: string, license: string): ConfigStore {
  const key = `${api}\n${license}`;
  let store = stores.get(key);
  if (!store) {
    store = new ConfigStore(new ApiClient(api, license));
    stores.set(key, store);
  }
  return store;
}
