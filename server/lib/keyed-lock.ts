/**
 * Runs async work one at a time per key, in the order it was asked for, within this process.
 * Work under different keys runs concurrently. The event loop never waits: a caller's work
 * is queued behind the key's last one and starts when that one settles, whether it
 * succeeded or failed.
 *
 * Not re-entrant: work must not ask the same lock for its own key, or it waits on itself.
 */
export class KeyedLock {
  /** The last work queued per key; dropped once it settles with nothing queued behind it. */
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every earlier work under the same key has settled. */
  async run<T>(key: readonly string[], work: () => Promise<T>): Promise<T> {
    // Joined with a character ids never contain, so ['a:b', 'c'] and ['a', 'b:c'] differ.
    const id = key.join('\u0000');
    const previous = this.#tails.get(id) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(work);
    this.#tails.set(id, current);
    try {
      return await current;
    } finally {
      if (this.#tails.get(id) === current) this.#tails.delete(id);
    }
  }

  /** Keys with work running or queued, for tests and diagnostics. */
  get size(): number {
    return this.#tails.size;
  }
}
