import fs from 'node:fs';
import path from 'node:path';

/** The key the server's Stripe client uses with the emulator (any `sk_test_` key works there). */
export const EMULATOR_SECRET_KEY = 'sk_test_liberationkit';

const FILE = 'stripe-emulator.json';

export interface RunningEmulator {
  host: string;
  port: number;
  protocol: 'http';
}

/**
 * Tells other processes on this data directory (the operator CLI) where the running server's
 * emulator listens, so a refund made from the CLI reaches the same Stripe as the server.
 * Returns the function that withdraws the note.
 */
export function announceEmulator(dataDir: string, sdk: RunningEmulator): () => void {
  const file = path.join(dataDir, FILE);
  fs.writeFileSync(file, JSON.stringify({ ...sdk, pid: process.pid }));
  return () => {
    try {
      const note = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
      if (note.pid === process.pid) fs.rmSync(file);
    } catch {
      // Already gone.
    }
  };
}

/** The emulator of a server running on this data directory, or null when none is. */
export function findRunningEmulator(dataDir: string): RunningEmulator | null {
  let note: Partial<RunningEmulator> & { pid?: number };
  try {
    note = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8')) as typeof note;
  } catch {
    return null;
  }
  if (typeof note.pid !== 'number' || typeof note.port !== 'number' || !note.host) return null;
  try {
    process.kill(note.pid, 0);
  } catch {
    return null; // The server that wrote it has stopped without withdrawing it.
  }
  return { host: note.host, port: note.port, protocol: 'http' };
}
