// Simulated time: real timers scaled by a speed factor (tests run at a high speed), all cancelled on close.
// A callback that throws is reported and the simulation goes on: one bad step must not take the server down.

function guarded(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('dctop serve: simulation step failed:', error instanceof Error ? error.message : error);
  }
}

export class SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** How far in the past `now()` is, while a fleet's history is being written (see `past`). */
  private offset = 0;

  constructor(readonly speed = 1) {
    if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return Date.now() - this.offset;
  }

  /** Runs `fn` as if it were `ms` ago: a starting fleet gets a history (deployed weeks ago, crashed an hour ago). */
  past<T>(ms: number, fn: () => T): T {
    const saved = this.offset;
    this.offset = Math.max(0, ms);
    try {
      return fn();
    } finally {
      this.offset = saved;
    }
  }

  /** Resolves after `ms` of simulated time. Never resolves once the clock is closed. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  after(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      guarded(fn);
    }, Math.max(0, ms / this.speed));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /**
   * Runs `fn` every `ms` of real time (not scaled: for pacing output such as followed logs, churn, heartbeats).
   * It does not keep the process alive by itself: the server's sockets do that.
   */
  every(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const timer = setInterval(() => guarded(fn), ms).unref();
    this.timers.add(timer);
    return () => {
      clearInterval(timer);
      this.timers.delete(timer);
    };
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
