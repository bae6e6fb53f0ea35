// Following actions to their end (Success, Failed or Canceled) through the event stream, with polling only as a
// fallback while the stream is not live. One tracker serves any number of actions.
import type { Action, CloudEvent } from '../domain/index.js';
import type { DockerCloudClient } from './client.js';
import type { EventStream } from './events.js';
import type { LogOptions, LogStream } from './streams.js';

const FINAL = new Set(['Success', 'Failed', 'Canceled']);

interface Tracked {
  resolve(action: Action): void;
  reject(error: unknown): void;
  onProgress?: (action: Action) => void;
  promise: Promise<Action>;
  lastState?: string;
}

export class ActionTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly stopListening: () => void;
  private readonly poller: NodeJS.Timeout;
  /** Fetches made by this tracker (for tests and measurements). */
  fetches = 0;

  constructor(
    private readonly client: DockerCloudClient,
    private readonly events: EventStream | null,
    options: { pollIntervalMs?: number } = {},
  ) {
    this.stopListening = events?.onEvent((event) => this.onEvent(event)) ?? (() => {});
    this.poller = setInterval(() => {
      if (this.events?.health.state === 'live') return;
      for (const uri of this.tracked.keys()) void this.refresh(uri);
    }, options.pollIntervalMs ?? 4000);
    this.poller.unref();
  }

  /** Resolves with the action once it ended; `onProgress` sees each state on the way (Pending, In progress …). */
  track(actionUri: string, onProgress?: (action: Action) => void): Promise<Action> {
    const existing = this.tracked.get(actionUri);
    if (existing) return existing.promise;
    let resolve!: (action: Action) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Action>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.tracked.set(actionUri, { resolve, reject, promise, ...(onProgress ? { onProgress } : {}) });
    void this.refresh(actionUri); // it may have ended already (synchronous operations do)
    return promise;
  }

  logs(actionUri: string, options: LogOptions = {}): LogStream {
    return this.client.logs(actionUri, options);
  }

  close(): void {
    clearInterval(this.poller);
    this.stopListening();
  }

  private onEvent(event: CloudEvent): void {
    if (event.type === 'action' && this.tracked.has(event.resource_uri)) void this.refresh(event.resource_uri);
  }

  private async refresh(uri: string): Promise<void> {
    const entry = this.tracked.get(uri);
    if (!entry) return;
    this.fetches++;
    let action: Action;
    try {
      action = await this.client.fetch<Action>(uri);
    } catch (error) {
      if ((error as { kind?: string }).kind === 'not_found') {
        this.tracked.delete(uri);
        entry.reject(error);
      }
      return; // anything else: the next event or poll tries again
    }
    if (!this.tracked.has(uri)) return;
    if (action.state !== entry.lastState) {
      entry.lastState = action.state;
      entry.onProgress?.(action);
    }
    if (FINAL.has(action.state)) {
      this.tracked.delete(uri);
      entry.resolve(action);
    }
  }
}
