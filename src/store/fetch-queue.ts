// Re-fetches, coalesced per URI and batched: a URI asked for any number of times before its fetch starts is
// fetched once; one asked for again while in flight is fetched once more afterwards (the answer may predate it).

export class FetchQueue {
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private active = 0;
  private closed = false;

  constructor(
    private readonly fetchOne: (uri: string) => Promise<void>,
    private readonly options: { batchDelayMs: number; concurrency: number },
  ) {}

  add(uri: string): void {
    if (this.closed) return;
    if (this.inFlight.has(uri)) {
      this.again.add(uri);
      return;
    }
    this.queued.add(uri);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.pump();
    }, this.options.batchDelayMs);
  }

  get size(): number {
    return this.queued.size + this.inFlight.size;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.queued.clear();
  }

  private pump(): void {
    while (!this.closed && this.active < this.options.concurrency && this.queued.size > 0) {
      const uri = this.queued.values().next().value as string;
      this.queued.delete(uri);
      this.inFlight.add(uri);
      this.active++;
      void this.fetchOne(uri).finally(() => {
        this.active--;
        this.inFlight.delete(uri);
        if (this.again.delete(uri)) this.queued.add(uri);
        this.pump();
      });
    }
  }
}
