// Whether the PostgreSQL and Redis that the cluster suites need answer, and where.
//   node scripts/cluster-services.mjs   → prints "ok" or the reason, exit 0 / 1
// `npm test` (scripts/test.mjs) runs the server suites a second time on them when they do.
import net from 'node:net';
import pg from 'pg';

export const postgresUrl =
  process.env.LX_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.LX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function probePostgres() {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One PING over a plain socket: no client library state to tear down. */
function probeRedis() {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 3 s')), 3000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      clearTimeout(timer);
      socket.end();
      if (data.toString().startsWith('+PONG')) resolve();
      else reject(new Error(`unexpected answer ${JSON.stringify(data.toString().trim())}`));
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const redact = (url) => {
  const u = new URL(url);
  u.password = '';
  return u.toString();
};

/** Resolves to null when both answer, else to a one-line reason naming what did not. */
export async function clusterServicesProblem() {
  const problems = [];
  await probePostgres().catch((e) =>
    problems.push(`PostgreSQL at ${redact(postgresUrl)}: ${e.message || e.code}`),
  );
  await probeRedis().catch((e) =>
    problems.push(`Redis at ${redact(redisUrl)}: ${e.message || e.code}`),
  );
  return problems.length ? problems.join('; ') : null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problem = await clusterServicesProblem();
  console.log(problem ?? 'ok');
  process.exit(problem ? 1 : 0);
}
