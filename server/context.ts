import type { Services } from './services.js';

/*
 * Readers for helpers that take the context of any route, whatever its middleware declared
 * (their `Context<E>` is generic). A structural parameter resolves to the concrete type for
 * the compiler and for type-aware lint rules alike; reading through the generic `E` does not.
 */

/** Any request's context: the app-wide middleware always sets the services. */
export interface ServicesContext {
  get(key: 'services'): Services;
}

export const servicesOf = (c: ServicesContext): Services => c.get('services');
