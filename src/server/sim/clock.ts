// Simulated time: real timers scaled by a speed factor (tests run at a high speed), all cancelled on close.
// A callback that throws is reported and the simulation goes on: one bad step must not take the server down.
// The timers come from a source: the real ones, or a ManualTime that tests advance by hand (an hour in seconds).

function guarded(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    console.error('dctop serve: simulation step failed:', error instanceof Error ? error.message : error);
  }
}

/** Where time and timers come from. */
export interface TimeSource {
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns what cancels it. */
  once(ms: number, fn: () => void): () => void;
  /** Runs `fn` every `ms` milliseconds, without keeping the process alive; returns what cancels it. */
  repeat(ms: number, fn: () => void): () => void;
}

export const REAL_TIME: TimeSource = {
  now: () => Date.now(),
  once(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  repeat(ms, fn) {
    const timer = setInterval(fn, ms).unref();
    return () => clearInterval(timer);
  },
};

interface ManualTimer { due: number; seq: number; fn: () => void; every: number }

/**
 * Time that moves only when told to: `advance(ms)` runs every timer due meanwhile, in order, each at its own
 * instant, and lets the promises they settle run before the next one (the simulation's operations are async).
 */
export class ManualTime implements TimeSource {
  private time: number;
  private seq = 0;
  private readonly timers = new Set<ManualTimer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  once(ms: number, fn: () => void): () => void {
    return this.add(ms, fn, 0);
  }

  repeat(ms: number, fn: () => void): () => void {
    return this.add(ms, fn, Math.max(1, ms));
  }

  private add(ms: number, fn: () => void, every: number): () => void {
    const timer = { due: this.time + Math.max(0, ms), seq: this.seq++, fn, every };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  private next(limit: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.due <= limit && (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq))) best = t;
    }
    return best;
  }

  /** Moves time forward by `ms`, running what falls due; `onTick` is awaited after each instant that had timers. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (let timer = this.next(end); timer; timer = this.next(end)) {
      this.time = timer.due;
      // Everything due at this instant, then the promise continuations and the turn's end (setImmediate).
      do {
        if (timer.every > 0) {
          timer.due += timer.every;
          timer.seq = this.seq++;
        } else {
          this.timers.delete(timer);
        }
        timer.fn();
        timer = this.next(this.time);
      } while (timer);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.time = end;
  }

  /** Timers waiting (for tests). */
  get pending(): number {
    return this.timers.size;
  }
}

export class SimClock {
  private readonly timers = new Set<() => void>();
  private closed = false;
  /** How far in the past `now()` is, while a fleet's history is being written (see `past`). */
  private offset = 0;

  constructor(readonly speed = 1, private readonly source: TimeSource = REAL_TIME) {
    if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return this.source.now() - this.offset;
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
    const cancel = this.source.once(Math.max(0, ms / this.speed), () => {
      this.timers.delete(cancel);
      guarded(fn);
    });
    this.timers.add(cancel);
    return () => {
      cancel();
      this.timers.delete(cancel);
    };
  }

  /**
   * Runs `fn` every `ms` of real time (not scaled: for pacing output such as followed logs, churn, heartbeats).
   * It does not keep the process alive by itself: the server's sockets do that.
   */
  every(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const cancel = this.source.repeat(ms, () => guarded(fn));
    this.timers.add(cancel);
    return () => {
      cancel();
      this.timers.delete(cancel);
    };
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }
}
