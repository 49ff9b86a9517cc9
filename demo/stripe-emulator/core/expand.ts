import { invalidRequest } from './errors.js';
import { isJsonObject, type Json, type JsonObject } from './json.js';
import type { View } from './version.js';

/**
 * How one object type takes part in `expand[]`: `refs` are fields holding another object's id;
 * `includes` are fields Stripe only renders when asked (e.g. `invoice.confirmation_secret`);
 * `embedded` are fields holding objects that have expandable fields of their own (e.g.
 * `subscription.items` for `items.data.price.product`).
 */
export interface ExpandableKind {
  object: string;
  prefix: string;
  load(id: string, view: View): JsonObject | undefined;
  refs(view: View): readonly string[];
  includes?: Readonly<Record<string, (serialized: JsonObject, view: View) => Json>>;
  embedded?: readonly string[];
}

const MAX_DEPTH = 4;

export class ExpansionRegistry {
  readonly #byObject = new Map<string, ExpandableKind>();
  readonly #byPrefix = new Map<string, ExpandableKind>();

  register(kind: ExpandableKind): void {
    this.#byObject.set(kind.object, kind);
    this.#byPrefix.set(kind.prefix, kind);
  }

  load(id: string, view: View): JsonObject | undefined {
    const prefix = id.slice(0, id.indexOf('_'));
    return this.#byPrefix.get(prefix)?.load(id, view);
  }

  /**
   * Checks `expand[]` before a request runs, as Stripe does: the first segment must be
   * expandable on the object the endpoint returns (`data.` first for lists) and no path may go
   * deeper than four levels. Deeper segments are not checked; Stripe ignores unknown ones.
   */
  check(returns: string, paths: readonly string[], view: View): void {
    const list = returns.startsWith('list:');
    const kind = this.#byObject.get(list ? returns.slice(5) : returns);
    for (const path of paths) {
      let segments = path.split('.');
      if (segments.some((s) => s === '')) throw cannotExpand(path);
      if (segments.filter((s) => s !== 'data').length > MAX_DEPTH) {
        throw invalidRequest(
          `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
          { param: 'expand', code: 'property_expansion_max_depth' },
        );
      }
      if (list) {
        if (segments[0] !== 'data') {
          throw invalidRequest(
            `This property cannot be expanded (${segments[0] ?? path}). You may want to try expanding 'data.${path}' instead.`,
            { param: 'expand' },
          );
        }
        segments = segments.slice(1);
      }
      const head = segments[0];
      if (head === undefined || !kind) continue;
      const known =
        kind.refs(view).includes(head) ||
        (kind.includes !== undefined && head in kind.includes) ||
        (kind.embedded?.includes(head) ?? false);
      if (!known) throw cannotExpand(head);
    }
  }

  /** Applies every `expand[]` path to `value` in place and returns it. */
  expand<T extends Json>(value: T, paths: readonly string[], view: View): T {
    for (const path of paths) this.#walk(value, path.split('.'), view);
    return value;
  }

  #walk(node: Json, segments: string[], view: View): void {
    const [head, ...rest] = segments;
    if (head === undefined || !isJsonObject(node)) return;
    if (node.object === 'list') {
      if (head === 'data' && Array.isArray(node.data)) {
        for (const item of node.data) this.#walk(item, rest, view);
      }
      return;
    }
    const kind = typeof node.object === 'string' ? this.#byObject.get(node.object) : undefined;
    const include = kind?.includes?.[head];
    if (include) {
      if (!(head in node)) node[head] = include(node, view);
      this.#walk(node[head] ?? null, rest, view);
      return;
    }
    const current = node[head];
    const isRef = kind ? kind.refs(view).includes(head) : this.#looksLikeRef(current);
    if (isRef && typeof current === 'string') {
      const loaded = this.load(current, view);
      if (!loaded) return;
      node[head] = loaded;
      this.#walk(loaded, rest, view);
      return;
    }
    if (current !== undefined && current !== null && typeof current === 'object') {
      this.#walk(current, rest, view);
    }
  }

  #looksLikeRef(value: Json | undefined): boolean {
    if (typeof value !== 'string') return false;
    const underscore = value.indexOf('_');
    return underscore > 0 && this.#byPrefix.has(value.slice(0, underscore));
  }
}

function cannotExpand(field: string) {
  return invalidRequest(`This property cannot be expanded (${field}).`, { param: 'expand' });
}
