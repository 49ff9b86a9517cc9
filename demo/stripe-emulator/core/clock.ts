/** Anything that can tell the time; tests pass a fixed or controllable one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The emulator's notion of "now": the configured clock plus however far tests have advanced
 * it. Time only moves forward, like a Stripe test clock.
 */
export class EmulatorClock implements Clock {
  #offsetMs = 0;
  constructor(private readonly base: Clock) {}

  now(): Date {
    return new Date(this.base.now().getTime() + this.#offsetMs);
  }

  /** Unix seconds, the unit of every Stripe timestamp. */
  seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  /** Moves forward to `unixSeconds` (never backwards). */
  moveTo(unixSeconds: number): void {
    const delta = unixSeconds * 1000 - this.now().getTime();
    if (delta > 0) this.#offsetMs += delta;
  }
}
