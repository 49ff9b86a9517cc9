import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(check: () => boolean, what: string, ms = 50_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('npm start (demo/main.ts)', () => {
  it('migrates, seeds, serves the API and the demo portal on its own origin, prints both URLs and stops cleanly on Ctrl-C', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-start-'));
    const port = await freePort();
    const proc = start({
      PORT: String(port),
      DEMO_PORT: '0',
      DATA_DIR: dataDir,
      SHUTDOWN_TIMEOUT_MS: '1500',
    });
    children.push(proc.child);
    await waitFor(() => proc.output().includes('Liberation Kit is running at'), 'the start banner');
    expect(proc.output()).toContain(`http://127.0.0.1:${port}/`);

    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });
    await waitFor(() => proc.output().includes('Demo portal'), 'the demo portal line');
    const portal = /Demo portal[^\n]*?(http:\/\/127\.0\.0\.1:\d+)\//.exec(proc.output())![1]!;
    expect(portal).not.toBe(base);
    // The API's root sends people to the portal, which embeds the kit from the API origin.
    const home = await fetch(`${base}/`);
    expect(home.url).toBe(`${portal}/`);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect(await home.text()).toContain(`src="${base}/kit/kit.js"`);
    const config = await fetch(`${base}/v1/embed/config`, {
      headers: { 'Liberation-Key': 'pk_test_DemoAcademyPortal00000010ddUp4' },
    });
    expect(config.status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'liberation.db'))).toBe(true);

    // A connection that never sends a request stays open; shutdown still finishes after the
    // drain timeout closes it.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    socket.destroy();
    expect(proc.output()).toContain('"msg":"stopped"');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('refuses to start on bad configuration and names the variable', async () => {
    const proc = start({ PORT: 'eighty', DATA_DIR: os.tmpdir() });
    children.push(proc.child);
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('Invalid configuration');
    expect(proc.output()).toContain('PORT');
  }, 60_000);
});
