/**
 * Parser for Stripe's form encoding: `metadata[course_id]=c1`, `items[0][price]=price_x`,
 * `expand[]=customer`. Stripe's SDKs send arrays with explicit indexes and curl users send `[]`;
 * both become arrays. Objects whose keys are all indexes become arrays ordered by index.
 */
export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

export class FormParseError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
    this.name = 'FormParseError';
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_DEPTH = 8;

/** Splits `a[b][0][]` into `['a', 'b', '0', '']`. */
export function splitKey(key: string): string[] | null {
  const open = key.indexOf('[');
  if (open === -1) return [key];
  const head = key.slice(0, open);
  const parts = [head];
  let rest = key.slice(open);
  while (rest.length > 0) {
    const match = /^\[([^[\]]*)\]/.exec(rest);
    if (!match) return null;
    parts.push(match[1] ?? '');
    rest = rest.slice(match[0].length);
  }
  return head === '' ? null : parts;
}

type Building = { [key: string]: Building | string } | Building[];

export function parseForm(pairs: Iterable<[string, string]>): FormObject {
  const root: { [key: string]: Building | string } = Object.create(null) as {
    [key: string]: Building | string;
  };
  for (const [rawKey, value] of pairs) {
    const parts = splitKey(rawKey);
    if (!parts || parts.length > MAX_DEPTH) {
      throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
    }
    if (parts.some((p) => FORBIDDEN_KEYS.has(p))) {
      throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
    }
    let node: Building = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      const last = i === parts.length - 1;
      if (Array.isArray(node)) {
        // Only `[]` segments create real arrays; they always append.
        if (last) {
          (node as (Building | string)[]).push(value);
        } else {
          const child: Building = Object.create(null) as Building;
          (node as (Building | string)[]).push(child);
          node = child;
        }
        continue;
      }
      const obj: { [key: string]: Building | string } = node;
      const nextIsAppend = parts[i + 1] === '';
      if (last) {
        if (part === '') throw new FormParseError(`Invalid parameter name: ${rawKey}`, rawKey);
        obj[part] = value;
        continue;
      }
      const existing = obj[part];
      if (existing === undefined || typeof existing === 'string') {
        const child: Building = nextIsAppend ? [] : (Object.create(null) as Building);
        obj[part] = child;
        node = child;
      } else {
        node = existing;
      }
      if (nextIsAppend && !Array.isArray(node)) {
        throw new FormParseError(`Invalid array parameter: ${rawKey}`, rawKey);
      }
    }
  }
  return finalize(root) as FormObject;
}

function finalize(node: Building | string): FormValue {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return node.map((n) => finalize(n as Building | string));
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .map((k) => [Number(k), node[k]] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => finalize(v as Building | string));
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = finalize(node[k] as Building | string);
  return out;
}

export function parseUrlEncoded(text: string): FormObject {
  return parseForm(new URLSearchParams(text).entries());
}

/** The reverse of {@link parseForm}, used by the emulator's own browser pieces and tests. */
export function encodeForm(value: FormObject): string {
  const pairs: string[] = [];
  const walk = (prefix: string, v: FormValue): void => {
    if (typeof v === 'string') {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(v)}`);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(`${prefix}[${i}]`, item));
    } else {
      for (const [k, item] of Object.entries(v)) walk(prefix ? `${prefix}[${k}]` : k, item);
    }
  };
  walk('', value);
  return pairs.join('&');
}
