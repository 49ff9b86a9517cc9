import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { SignJWT, type JWTPayload } from 'jose';
import { expect } from 'vitest';
import type { input } from 'zod';
import { createApp, type App } from '../../server/app.js';
import { applyMigrations, openDatabase, type Database_ } from '../../server/db/client.js';
import { loadEnv } from '../../server/env.js';
import { errorCatalog, type ErrorCode, type ProblemDetails } from '../../server/errors.js';
import { createLogger } from '../../server/logger.js';
import type { CreatedLicense } from '../../server/modules/licenses/contract.js';
import { LicenseCreateInput } from '../../server/modules/licenses/contract.js';
import { SecretBox } from '../../server/modules/licenses/secrets.js';
import { LEARNER_TOKEN_AUDIENCE } from '../../server/modules/learners/tokens.js';
import {
  createServices,
  type AppConfig,
  type Clock,
  type Services,
} from '../../server/services.js';

/** A moment far from any real "now": a Wednesday, mid-month. */
export const T0 = new Date('2030-01-16T12:00:00.000Z');

export class TestClock implements Clock {
  #ms: number;
  constructor(start: Date = T0) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  set(to: Date | string): void {
    this.#ms = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.#ms += ms;
  }
}

export const OPERATOR_TOKEN = 'op_test_0123456789abcdef0123456789abcdef';
export const SECRETS_KEY = Buffer.alloc(32, 7);

export interface Harness {
  url: string;
  app: App;
  services: Services;
  database: Database_;
  clock: TestClock;
  dir: string;
  file: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Stops the server; `flush: false` simulates a crash (pending usage is not written). */
  close(options?: { flush?: boolean; keepFiles?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  config?: Partial<AppConfig>;
  clock?: TestClock;
  /** Reopen an existing database directory instead of a fresh one. */
  dir?: string;
  /** The secrets key; by default a fixed test key. */
  secrets?: SecretBox;
}

/** The real application on a real SQLite file in a temporary directory, on 127.0.0.1. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lx-licensing-'));
  const file = path.join(dir, 'liberation.db');
  const database = openDatabase(file);
  applyMigrations(database);
  const clock = options.clock ?? new TestClock();
  const env = loadEnv({ NODE_ENV: 'test' });
  const services = createServices({
    config: {
      ...env,
      licenseCacheTtlMs: 0,
      operatorToken: OPERATOR_TOKEN,
      // Long enough that tests decide when usage is flushed.
      usageFlushIntervalMs: 60_000,
      ...options.config,
    },
    database,
    logger: createLogger('silent'),
    clock,
    secrets: options.secrets ?? new SecretBox(SECRETS_KEY),
  });
  const app = createApp(services);
  const { server, port } = await new Promise<{ server: ServerType; port: number }>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve({ server: s, port: info.port }),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  let closed = false;
  return {
    url,
    app,
    services,
    database,
    clock,
    dir,
    file,
    fetch: (p, init) => fetch(url + p, init),
    close: async ({ flush = true, keepFiles = false } = {}) => {
      if (closed) return;
      closed = true;
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (flush) services.close();
      else services.rateLimits.close();
      database.close();
      if (!keepFiles) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a license through the same service the admin API and the CLI use. */
export function createLicense(
  services: Services,
  input: Partial<CreateInput> = {},
): CreatedLicense {
  return services.licenseAdmin.create(
    LicenseCreateInput.parse({
      name: 'Acme University',
      plan: 'enterprise',
      origins: ['https://portal.acme.test', 'https://*.acme.edu'],
      ...input,
    }),
  );
}

type CreateInput = input<typeof LicenseCreateInput>;

export interface TokenOptions {
  alg?: 'HS256';
  /** Seconds relative to the clock. */
  iat?: number | null;
  exp?: number | null;
  nbf?: number;
  aud?: string | string[] | null;
  iss?: string | null;
  sub?: string | null;
  claims?: Record<string, unknown>;
}

/** A learner token as a customer's backend would sign it, with every part adjustable. */
export async function signToken(
  secret: string | Uint8Array,
  licenseId: string,
  clock: Clock,
  options: TokenOptions = {},
): Promise<string> {
  const now = Math.floor(clock.now().getTime() / 1000);
  const payload: JWTPayload = {
    name: 'Ada Lovelace',
    email: 'ada@acme.test',
    role: 'learner',
    classes: ['cs-101'],
    ...options.claims,
  };
  if (options.sub !== null) payload.sub = options.sub ?? 'ada';
  if (options.iss !== null) payload.iss = options.iss ?? licenseId;
  if (options.aud !== null) payload.aud = options.aud ?? LEARNER_TOKEN_AUDIENCE;
  if (options.iat !== null) payload.iat = now + (options.iat ?? 0);
  if (options.exp !== null) payload.exp = now + (options.exp ?? 3600);
  if (options.nbf !== undefined) payload.nbf = now + options.nbf;
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .sign(key);
}

/** An unsigned token (`alg: none`), which must never be accepted. */
export function unsignedToken(payload: JWTPayload): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

export function learnerHeaders(
  publishableKey: string,
  token: string | undefined,
  origin: string | undefined = 'https://portal.acme.test',
): Record<string, string> {
  const headers: Record<string, string> = { 'Liberation-Key': publishableKey };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  if (origin !== undefined) headers.Origin = origin;
  return headers;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

export function jsonInit(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** Asserts a problem+json response with `code`, its catalog status and the request id. */
export async function expectProblem(res: Response, code: ErrorCode): Promise<ProblemDetails> {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = (await res.json()) as ProblemDetails;
  expect({ status: res.status, code: body.code }).toEqual({
    status: errorCatalog[code].status,
    code,
  });
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  expect(typeof body.detail).toBe('string');
  return body;
}

/** The database rows of every table, to show a refused request changed nothing. */
export function dump(database: Database_): Record<string, unknown[]> {
  const tables = database.sqlite
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like '%sqlite%' and name != '__drizzle_migrations'",
    )
    .all() as { name: string }[];
  return Object.fromEntries(
    tables.map(({ name }) => [name, database.sqlite.prepare(`select * from "${name}"`).all()]),
  );
}
