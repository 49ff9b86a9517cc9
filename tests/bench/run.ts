/**
 * `npm run bench`: loads the real application and a bare Hono app with the same settings in
 * the same run and prints req/s, latency and the ratio to bare Hono for every row in
 * rows.ts, then each server's RSS. A report, not a test: it never fails on a missed target.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { eq } from 'drizzle-orm';
import { demoKeys, seedDemo } from '../../demo/seed.js';
import { openStore } from '../../server/db/store.js';
import { licenses } from '../../server/modules/licenses/schema.js';
import { loadSecretBox } from '../../server/modules/licenses/secrets.js';
import { systemClock } from '../../server/services.js';
import {
  rows,
  type BenchContext,
  type BenchRequest,
  type BenchRow,
  type BenchTarget,
} from './rows.js';
import type { ParentMessage, ServerMessage, Shape } from './server.js';

const CONNECTIONS = 50;
const WARMUP_SECONDS = 1;
const MAX_SECONDS = 5;
const MIN_SECONDS = 2;
/** Whole-run ceiling for loading; startup and teardown take a few seconds more. */
const LOAD_BUDGET_SECONDS = 120;
/** Past this, something hangs: stop everything rather than run on. */
const WATCHDOG_SECONDS = 180;
const ORIGIN = 'https://portal.bench.test';

const here = path.dirname(fileURLToPath(import.meta.url));

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  /** Responses whose status was not the expected one, plus socket errors and timeouts. */
  unexpected: string[];
}

interface Outcome {
  name: string;
  target?: BenchTarget;
  measurement?: Measurement;
  failure?: string;
}

class ServerProcess {
  readonly #child: ChildProcess;
  readonly port: Promise<number>;

  constructor(kind: 'app' | 'bare', databaseFile?: string) {
    this.#child = fork(path.join(here, 'server.ts'), databaseFile ? [kind, databaseFile] : [kind], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.port = this.#next('ready', 20_000).then((m) => (m.type === 'ready' ? m.port : 0));
  }

  async rss(): Promise<number> {
    const reply = this.#next('rss', 5_000);
    this.#send({ type: 'rss' });
    const message = await reply;
    return message.type === 'rss' ? message.rss : 0;
  }

  async shape(shape: Shape): Promise<void> {
    const reply = this.#next('shaped', 5_000);
    this.#send({ type: 'shape', ...shape });
    await reply;
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || !this.#child.connected) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#send({ type: 'stop' });
    const killTimer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killTimer);
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }

  #send(message: ParentMessage): void {
    this.#child.send(message);
  }

  #next(type: ServerMessage['type'], timeoutMs: number): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`server did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: ServerMessage) => {
        if (message.type !== type) return;
        cleanup();
        resolve(message);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`server exited with code ${code} before "${type}"`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.#child.off('message', onMessage);
        this.#child.off('exit', onExit);
      };
      this.#child.on('message', onMessage);
      this.#child.once('exit', onExit);
    });
  }
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function load(
  baseUrl: string,
  request: BenchRequest,
  seconds: number,
  expectStatus: number,
): Promise<Measurement> {
  // autocannon's own histogram has 1 ms resolution; sub-millisecond latencies need our own.
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl + request.path,
        method: request.method,
        headers: request.headers ?? {},
        body: request.body,
        connections: CONNECTIONS,
        duration: seconds,
        pipelining: 1,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error('autocannon failed'));
        const sorted = Float64Array.from(latencies).sort();
        const unexpected = [...statuses]
          .filter(([status]) => status !== expectStatus)
          .map(([status, count]) => `${count}× ${status}`);
        if (result.errors) unexpected.push(`${result.errors} socket errors`);
        if (result.timeouts) unexpected.push(`${result.timeouts} timeouts`);
        resolve({
          rps: result.requests.average,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          unexpected,
        });
      },
    );
    // The published types omit the client argument autocannon passes first.
    (instance as NodeJS.EventEmitter).on(
      'response',
      (_client: unknown, status: number, _bytes: number, ms: number) => {
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === expectStatus) latencies.push(ms);
      },
    );
  });
}

async function measure(
  baseUrl: string,
  request: BenchRequest,
  seconds: number,
  expectStatus = 200,
): Promise<Measurement> {
  await load(baseUrl, request, WARMUP_SECONDS, expectStatus);
  return load(baseUrl, request, seconds, expectStatus);
}

function verdict(outcome: Outcome, bareRps: number): string {
  const { target, measurement } = outcome;
  if (!measurement) return 'not measured';
  if (measurement.unexpected.length) return 'invalid: unexpected responses';
  if (!target) return '';
  const misses: string[] = [];
  if (target.minRatio !== undefined && measurement.rps < target.minRatio * bareRps) {
    misses.push(`ratio < ${target.minRatio}`);
  }
  if (target.maxP99Ms !== undefined && !(measurement.p99 <= target.maxP99Ms)) {
    misses.push(`p99 > ${target.maxP99Ms} ms`);
  }
  return misses.length ? `MISSES (${misses.join(', ')})` : 'meets';
}

function describeTarget(target: BenchTarget | undefined): string {
  if (!target) return '—';
  const parts: string[] = [];
  if (target.minRatio !== undefined) parts.push(`≥ ${target.minRatio}× bare`);
  if (target.maxP99Ms !== undefined) parts.push(`p99 ≤ ${target.maxP99Ms} ms`);
  return parts.join(', ');
}

function table(header: string[], body: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '—');

async function main(): Promise<void> {
  const started = performance.now();
  // `npm run bench -- <text> …` loads only the rows whose names contain one of the texts.
  const only = process.argv.slice(2);
  const selected = only.length ? rows.filter((r) => only.some((t) => r.name.includes(t))) : rows;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-bench-'));
  const databaseFile = path.join(dir, 'liberation.db');
  const store = await openStore({ file: databaseFile });
  await store.migrate();
  // The server process finds the same secrets key next to the database (see server.ts), so
  // the demo learners' tokens verify there.
  await seedDemo(store, systemClock, [ORIGIN], {
    secrets: loadSecretBox({ secretsKey: undefined, dataDir: dir }),
  });
  // One load generator stands in for a large customer's many learners: lift the per-client
  // rate limit and the monthly allowance so every request is admitted. Both checks still run.
  await store.write(async (tx) => {
    await tx
      .update(licenses)
      .set({ rateLimitPerMinute: 1_000_000_000, limits: { api_requests: null } })
      .where(eq(licenses.publishableKey, demoKeys.academy));
  });

  const app = new ServerProcess('app', databaseFile);
  const bare = new ServerProcess('bare');
  const stopAll = () => {
    app.kill();
    bare.kill();
  };
  const abandon = (why: string, code: number) => {
    console.error(why);
    stopAll();
    void store.close().finally(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
  };
  process.once('SIGINT', () => abandon('interrupted', 130));
  const watchdog = setTimeout(
    () => abandon(`bench still running after ${WATCHDOG_SECONDS} s; stopped`, 1),
    WATCHDOG_SECONDS * 1000,
  );
  watchdog.unref();

  try {
    const [appPort, barePort] = await Promise.all([app.port, bare.port]);
    const appUrl = `http://127.0.0.1:${appPort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;

    // Bare Hono is loaded first and last; rows are compared with the mean of both, which
    // evens out drift from other work on the machine during the run.
    const targets = selected.length + 3;
    const seconds = Math.max(
      MIN_SECONDS,
      Math.min(MAX_SECONDS, Math.floor(LOAD_BUDGET_SECONDS / targets) - WARMUP_SECONDS),
    );
    console.log(
      `Liberation Kit bench: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${seconds} s ` +
        `per endpoint, loopback, Node ${process.version}, ${os.cpus().length} CPU(s)\n`,
    );

    const hello: BenchRequest = { method: 'GET', path: '/' };
    const bareFirst = await measure(bareUrl, hello, seconds);
    const context: BenchContext = {
      baseUrl: appUrl,
      store,
      publishableKey: demoKeys.academy,
      origin: ORIGIN,
    };
    const outcomes: Outcome[] = [];
    for (const row of selected) {
      outcomes.push(await runRow(row, context, appUrl, seconds));
    }
    const reference = await sameBytesReference(bare, bareUrl, context, seconds);
    const bareLast = await measure(bareUrl, hello, seconds);
    const bareResult: Measurement = {
      rps: (bareFirst.rps + bareLast.rps) / 2,
      p50: (bareFirst.p50 + bareLast.p50) / 2,
      p99: (bareFirst.p99 + bareLast.p99) / 2,
      unexpected: [...bareFirst.unexpected, ...bareLast.unexpected],
    };
    outcomes.unshift({ name: 'bare Hono GET / (baseline)', measurement: bareResult });
    outcomes.push(reference);

    const appRss = await app.rss();
    const bareRss = await bare.rss();

    const body = outcomes.map((o) => {
      const m = o.measurement;
      return [
        o.name,
        m ? Math.round(m.rps).toLocaleString('en-US') : '—',
        m ? ms(m.p50) : '—',
        m ? ms(m.p99) : '—',
        m ? `${(m.rps / bareResult.rps).toFixed(2)}×` : '—',
        describeTarget(o.target),
        verdict(o, bareResult.rps),
      ];
    });
    console.log(
      table(
        ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'vs bare', 'target', 'result'],
        body,
        new Set([1, 2, 3, 4]),
      ),
    );
    for (const o of outcomes) {
      if (o.failure) console.log(`\n${o.name}: ${o.failure}`);
      if (o.measurement?.unexpected.length) {
        console.log(`\n${o.name}: unexpected responses: ${o.measurement.unexpected.join(', ')}`);
      }
    }
    const rounded = (m: Measurement) => Math.round(m.rps).toLocaleString('en-US');
    console.log(
      `\nbare Hono req/s: ${rounded(bareFirst)} first, ${rounded(bareLast)} last ` +
        '(the table shows the mean)',
    );
    console.log(`RSS after load: app ${mb(appRss)}, bare Hono ${mb(bareRss)}`);
    console.log('Targets are reported, not enforced: a miss never fails this command.');
    console.log(`Total time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    clearTimeout(watchdog);
    await Promise.all([app.stop(), bare.stop()]).catch(stopAll);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Headers Node's HTTP server writes itself; copying them would duplicate them. */
const transportHeaders = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
]);

/**
 * Bare Hono answering with the first row's exact body and headers: the share of the gap to
 * hello-world that is bytes on the wire and parsing, which no server-side change removes.
 */
async function sameBytesReference(
  bare: ServerProcess,
  bareUrl: string,
  context: BenchContext,
  seconds: number,
): Promise<Outcome> {
  const first = rows[0]!;
  const name = `bare Hono, ${first.name} bytes (reference)`;
  try {
    const overrides = (await first.setup?.(context)) ?? {};
    const res = await fetch(context.baseUrl + (overrides.path ?? first.path), {
      method: overrides.method ?? first.method,
      headers: overrides.headers ?? first.headers,
      body: overrides.body ?? first.body,
    });
    const shape: Shape = { body: await res.text(), headers: {} };
    res.headers.forEach((value, key) => {
      if (!transportHeaders.has(key)) shape.headers[key] = value;
    });
    await bare.shape(shape);
    return {
      name,
      measurement: await measure(bareUrl, { method: 'GET', path: '/shaped' }, seconds),
    };
  } catch (error) {
    return { name, failure: error instanceof Error ? error.message : String(error) };
  }
}

async function runRow(
  row: BenchRow,
  context: BenchContext,
  appUrl: string,
  seconds: number,
): Promise<Outcome> {
  try {
    const overrides = (await row.setup?.(context)) ?? {};
    const request: BenchRequest = {
      method: overrides.method ?? row.method,
      path: overrides.path ?? row.path,
      headers: overrides.headers ?? row.headers,
      body: overrides.body ?? row.body,
    };
    const measurement = await measure(appUrl, request, seconds, row.expectStatus ?? 200);
    return { name: row.name, target: row.target, measurement };
  } catch (error) {
    return {
      name: row.name,
      target: row.target,
      failure: error instanceof Error ? error.message : String(error),
    };
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
