/**
 * The one source of "now" for the engine and the sweeper. Production uses the system clock;
 * tests (and a server started with MOTCUA_TEST_CLOCK=1) use a settable clock.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told otherwise; each read can optionally advance it by a tick. */
export class ManualClock implements Clock {
  private current: number;
  constructor(
    start: Date | string,
    private readonly tickMs = 0,
  ) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    const t = this.current;
    this.current += this.tickMs;
    return new Date(t);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * The server's clock when MOTCUA_TEST_CLOCK=1: real time shifted by an offset that an administrator
 * sets through PUT /api/test/clock, so the engine and the sweeper see the same "now".
 */
export class SettableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }
  set(to: Date | string): void {
    this.offsetMs = new Date(to).getTime() - this.base.now().getTime();
  }
}
