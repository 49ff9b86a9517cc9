import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database_ } from '../../server/db/client.js';

const LIMIT = 256 * 1024;
const opened: Database_[] = [];
const dirs: string[] = [];

function open(): { database: Database_; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lx-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'kit.db');
  const database = openDatabase(file, { journalSizeLimitBytes: LIMIT, checkpointIntervalMs: 0 });
  opened.push(database);
  database.sqlite.exec('create table notes (id integer primary key, body text not null)');
  return { database, file };
}

/** About `megabytes` MiB of committed rows, one transaction per 64 KiB. */
function write(database: Database_, megabytes: number): void {
  const insert = database.sqlite.prepare('insert into notes (body) values (?)');
  const body = 'x'.repeat(1024);
  for (let chunk = 0; chunk < megabytes * 16; chunk++) {
    database.sqlite.transaction(() => {
      for (let i = 0; i < 64; i++) insert.run(body);
    })();
  }
}

afterEach(() => {
  for (const database of opened.splice(0)) database.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SQLite WAL size', () => {
  it('shrinks back to journal_size_limit after a checkpoint while writes continue', () => {
    const { database } = open();
    // A reader holding a snapshot keeps every checkpoint from finishing, so the WAL grows.
    const reader = new Database(database.sqlite.name, { readonly: true });
    try {
      reader.exec('begin');
      reader.prepare('select count(*) from notes').get();
      write(database, 4);
      expect(database.walBytes()).toBeGreaterThan(2 * 1024 * 1024);
      const pinned = database.checkpoint();
      expect(pinned.checkpointedPages).toBeLessThan(pinned.walPages);
      reader.exec('commit');
    } finally {
      reader.close();
    }
    // Once the reader has let go, one checkpoint catches up and the next write restarts the
    // WAL, truncated to the limit.
    const caughtUp = database.checkpoint();
    expect(caughtUp.checkpointedPages).toBe(caughtUp.walPages);
    write(database, 0.0625);
    expect(database.walBytes()).toBeLessThanOrEqual(LIMIT);
  });

  it('stays bounded under a steady write load with the periodic checkpoint', () => {
    const { database } = open();
    let largest = 0;
    for (let round = 0; round < 16; round++) {
      write(database, 0.5);
      database.checkpoint();
      largest = Math.max(largest, database.walBytes());
    }
    // Each round writes 512 KiB; the WAL never holds much more than one round's pages.
    expect(largest).toBeLessThan(2 * 1024 * 1024);
    expect(database.sqlite.prepare('select count(*) as n from notes').get()).toEqual({
      n: 16 * 8 * 64,
    });
  });
});
