// Simulated time: real timers scaled by a speed factor (tests run at a high speed), all cancelled on close.

export class SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly speed = 1) {
    if (!(speed > 0)) throw new Error(`--speed must be a positive number, got ${speed}`);
  }

  now(): number {
    return Date.now();
  }

  /** Resolves after `ms` of simulated time. Never resolves once the clock is closed. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  after(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, Math.max(0, ms / this.speed));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Runs `fn` every `ms` of real time (not scaled: for pacing output such as followed logs and churn). */
  every(ms: number, fn: () => void): () => void {
    if (this.closed) return () => {};
    const timer = setInterval(fn, ms);
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
