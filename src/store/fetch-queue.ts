// Re-fetches, coalesced per URI and batched: a URI asked for any number of times before its fetch starts is
// fetched once; one asked for again while in flight is fetched once more afterwards (the answer may predate it).
// URIs that share a group (the containers of one service) and are waiting together are fetched with one request.

export interface FetchQueueOptions {
  batchDelayMs: number;
  concurrency: number;
  /** The group a URI can be fetched with (null: on its own); asked once, when the URI is queued. */
  groupOf?: (uri: string) => string | null;
  /** Fetches these URIs of a group with one request. */
  fetchGroup?: (group: string, uris: string[]) => Promise<void>;
  /** Fewer URIs of a group than this waiting are fetched one by one (a list costs more than a get). */
  minGroup?: number;
}

export class FetchQueue {
  private readonly queued = new Set<string>();
  private readonly groupOfQueued = new Map<string, string>();
  private readonly queuedByGroup = new Map<string, Set<string>>();
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private active = 0;
  private closed = false;

  constructor(private readonly fetchOne: (uri: string) => Promise<void>, private readonly options: FetchQueueOptions) {}

  add(uri: string): void {
    if (this.closed) return;
    if (this.inFlight.has(uri)) {
      this.again.add(uri);
      return;
    }
    if (this.queued.has(uri)) return;
    this.queued.add(uri);
    const group = this.options.fetchGroup ? this.options.groupOf?.(uri) : null;
    if (group) {
      this.groupOfQueued.set(uri, group);
      let members = this.queuedByGroup.get(group);
      if (!members) this.queuedByGroup.set(group, (members = new Set()));
      members.add(uri);
    }
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
    this.groupOfQueued.clear();
    this.queuedByGroup.clear();
  }

  private pump(): void {
    while (!this.closed && this.active < this.options.concurrency && this.queued.size > 0) {
      const first = this.queued.values().next().value as string;
      const group = this.groupOfQueued.get(first);
      const members = group ? this.queuedByGroup.get(group) : undefined;
      const batch = group && members && members.size >= (this.options.minGroup ?? 3) ? [...members] : [first];
      for (const uri of batch) this.unqueue(uri);
      for (const uri of batch) this.inFlight.add(uri);
      this.active++;
      const fetching = batch.length > 1 ? this.options.fetchGroup!(group!, batch) : this.fetchOne(first);
      void fetching.finally(() => {
        this.active--;
        for (const uri of batch) {
          this.inFlight.delete(uri);
          if (this.again.delete(uri)) this.add(uri);
        }
        this.pump();
      });
    }
  }

  private unqueue(uri: string): void {
    this.queued.delete(uri);
    const group = this.groupOfQueued.get(uri);
    if (group === undefined) return;
    this.groupOfQueued.delete(uri);
    const members = this.queuedByGroup.get(group);
    members?.delete(uri);
    if (members?.size === 0) this.queuedByGroup.delete(group);
  }
}
