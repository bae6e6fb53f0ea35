// A queue of frames that can be consumed as an async iterable or through a callback, and ends once with a reason.

export interface StreamEnd {
  /** Why it ended: 'closed by client', 'end of log', 'exit 0', 'action Success', an error message … */
  reason: string;
  /** The websocket close code, when there was one. */
  code?: number;
  /** Set when it ended because something went wrong. */
  error?: Error;
}

export class Channel<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  private readonly waiters: ((result: IteratorResult<T>) => void)[] = [];
  private readonly listeners = new Set<(item: T) => void>();
  private done: StreamEnd | null = null;
  private resolveEnded!: (end: StreamEnd) => void;
  readonly ended: Promise<StreamEnd> = new Promise((resolve) => (this.resolveEnded = resolve));

  push(item: T): void {
    if (this.done) return;
    for (const listener of this.listeners) listener(item);
    const waiter = this.waiters.shift();
    if (waiter) waiter({ value: item, done: false });
    else if (this.listeners.size === 0) this.queue.push(item);
  }

  end(end: StreamEnd): void {
    if (this.done) return;
    this.done = end;
    for (const waiter of this.waiters.splice(0)) waiter({ value: undefined, done: true });
    this.resolveEnded(end);
  }

  get isEnded(): boolean {
    return this.done !== null;
  }

  /** Calls `listener` for every item from now on (and for those queued so far). */
  onItem(listener: (item: T) => void): () => void {
    for (const item of this.queue.splice(0)) listener(item);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.queue.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
    };
  }
}
