import { invalidRequest, missingParam, unknownParam } from './errors.js';
import type { FormObject, FormValue } from './form.js';

/** A metadata change: `null` clears every key, a `null` value deletes one key. */
export type MetadataPatch = Record<string, string | null> | null;

/**
 * Typed access to a request's parameters with Stripe's validation errors. Strings arrive the
 * way the SDK sends them: numbers and booleans as text, `null` as an empty string.
 */
export class Params {
  constructor(
    readonly data: FormObject,
    private readonly path = '',
  ) {}

  name(key: string): string {
    return this.path ? `${this.path}[${key}]` : key;
  }

  keys(): string[] {
    return Object.keys(this.data);
  }

  has(key: string): boolean {
    return this.data[key] !== undefined;
  }

  /** True when the caller sent the key with an empty value, which Stripe reads as "unset". */
  isEmpty(key: string): boolean {
    return this.data[key] === '';
  }

  raw(key: string): FormValue | undefined {
    return this.data[key];
  }

  /** Stripe refuses parameters an endpoint does not know; typos surface instead of vanishing. */
  allowOnly(allowed: readonly string[]): this {
    for (const key of this.keys()) {
      if (!allowed.includes(key)) throw unknownParam(this.name(key));
    }
    return this;
  }

  string(key: string, options: { maxLength?: number } = {}): string | undefined {
    const value = this.data[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      throw invalidRequest(`Invalid string: ${this.name(key)}`, {
        param: this.name(key),
        code: 'parameter_invalid_string',
      });
    }
    const max = options.maxLength ?? 5000;
    if (value.length > max) {
      throw invalidRequest(
        `Invalid string: ${value.slice(0, 20)}...; must be at most ${max} characters`,
        { param: this.name(key), code: 'parameter_invalid_string' },
      );
    }
    return value;
  }

  requiredString(key: string, options: { maxLength?: number } = {}): string {
    const value = this.string(key, options);
    if (value === undefined) throw missingParam(this.name(key));
    return value;
  }

  /** `undefined` when absent, `null` when sent empty (the SDK's encoding of `null`). */
  nullableString(key: string, options: { maxLength?: number } = {}): string | null | undefined {
    if (this.isEmpty(key)) return null;
    return this.string(key, options);
  }

  enumOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(values as readonly string[]).includes(value)) {
      throw invalidRequest(`Invalid ${this.name(key)}: must be one of ${values.join(', ')}`, {
        param: this.name(key),
        code: 'parameter_invalid_string',
      });
    }
    return value as T;
  }

  int(key: string, options: { min?: number; max?: number } = {}): number | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw invalidRequest(`Invalid integer: ${value}`, {
        param: this.name(key),
        code: 'parameter_invalid_integer',
      });
    }
    const n = Number(value);
    if (options.min !== undefined && n < options.min) {
      const label = options.min === 0 ? 'non-negative' : 'positive';
      throw invalidRequest(`Invalid ${label} integer`, {
        param: this.name(key),
        code: 'parameter_invalid_integer',
      });
    }
    if (options.max !== undefined && n > options.max) {
      throw invalidRequest(`This value must be less than or equal to ${options.max}.`, {
        param: this.name(key),
        code: 'parameter_invalid_integer',
      });
    }
    return n;
  }

  requiredInt(key: string, options: { min?: number; max?: number } = {}): number {
    const value = this.int(key, options);
    if (value === undefined) throw missingParam(this.name(key));
    return value;
  }

  bool(key: string): boolean | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalidRequest(`Invalid boolean: ${value}`, {
      param: this.name(key),
      code: 'parameter_invalid_boolean',
    });
  }

  /** A Unix timestamp, or the literal `now` where Stripe accepts it (e.g. `trial_end`). */
  timestampOrNow(key: string): number | 'now' | undefined {
    if (this.data[key] === 'now') return 'now';
    return this.int(key, { min: 0 });
  }

  object(key: string): Params | undefined {
    const value = this.data[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'string' || Array.isArray(value)) {
      throw invalidRequest(`Invalid object`, { param: this.name(key) });
    }
    return new Params(value, this.name(key));
  }

  objectList(key: string): Params[] | undefined {
    const value = this.data[key];
    if (value === undefined || value === '') return undefined;
    if (!Array.isArray(value)) {
      throw invalidRequest(`Invalid array`, { param: this.name(key) });
    }
    return value.map((item, i) => {
      if (typeof item === 'string' || Array.isArray(item)) {
        throw invalidRequest(`Invalid object`, { param: `${this.name(key)}[${i}]` });
      }
      return new Params(item, `${this.name(key)}[${i}]`);
    });
  }

  stringList(key: string): string[] | undefined {
    const value = this.data[key];
    if (value === undefined || value === '') return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw invalidRequest(`Invalid array`, { param: this.name(key) });
    }
    return value as string[];
  }

  /** Stripe's metadata rules: at most 50 keys, keys ≤ 40 and values ≤ 500 characters. */
  metadata(key = 'metadata'): MetadataPatch | undefined {
    const value = this.data[key];
    if (value === undefined) return undefined;
    if (value === '') return null;
    if (typeof value === 'string' || Array.isArray(value)) {
      throw invalidRequest(`Invalid object`, { param: this.name(key) });
    }
    const patch: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') {
        throw invalidRequest(`Invalid value for metadata key ${k}`, {
          param: `${this.name(key)}[${k}]`,
        });
      }
      if (k.length > 40) {
        throw invalidRequest(
          `Metadata keys can have up to 40 characters. You passed in a key that was ${k.length} characters.`,
          { param: `${this.name(key)}[${k}]` },
        );
      }
      if (v.length > 500) {
        throw invalidRequest(
          `Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters. Invalid value: ${v.slice(0, 20)}...`,
          { param: `${this.name(key)}[${k}]` },
        );
      }
      patch[k] = v === '' ? null : v;
    }
    return patch;
  }

  expand(): string[] {
    return this.stringList('expand') ?? [];
  }
}

export function applyMetadata(
  current: Record<string, string>,
  patch: MetadataPatch | undefined,
): Record<string, string> {
  if (patch === undefined) return current;
  if (patch === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length > 50) {
    throw invalidRequest('You can have up to 50 metadata keys.', { param: 'metadata' });
  }
  return next;
}
