// The typed Docker Cloud client: every endpoint of the reference over REST, and the Stream API's events, logs and
// exec. Works against any Docker Cloud-compatible API (our `dctop serve` included).
import {
  collectionUri, KINDS, objectUri, SUMMARIES_HEADER, type Action, type KindName, type ListPage, type Operation, type Trigger,
  type TriggerOperation, type WireOf,
} from '../domain/index.js';
import { DockerCloudError } from './errors.js';
import { resolveConfig, type ClientConfig, type ConfigOptions, type ConfigSources } from './config.js';
import { EventStream, type EventStreamOptions } from './events.js';
import { MetricsStream, type MetricsOptions, type MetricsSubscription } from './metrics.js';
import { RestClient, type RestOptions, type RestResponse } from './rest.js';
import type { SocketOptions } from './socket.js';
import { ExecSession, LogStream, type LogOptions } from './streams.js';

export type Filters = Record<string, string | number | boolean | undefined>;
export interface ListOptions {
  /** Objects without their details, from dctop serve (see summaryOf); whole objects from other APIs. */
  summaries?: boolean;
}

/** What every mutation answers: the object in its new state, and the action that records the change. */
export interface Mutation<T> { object: T; actionUri: string | null }

export type ObjectOperation = Extract<Operation, 'start' | 'stop' | 'redeploy' | 'scale' | 'deploy' | 'docker-upgrade' | 'health-check'>;

export interface ClientOptions extends RestOptions, SocketOptions {
  /** Page size for listAll (the server may cap it). */
  pageSize?: number;
  /** How many pages listAll fetches at once once it knows the total. */
  pageConcurrency?: number;
  /** The events stream's wait between attempts after an authentication failure (default 60 s). */
  authRetryMs?: number;
}

function query(filters: Filters = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class DockerCloudClient {
  readonly rest: RestClient;

  constructor(readonly config: ClientConfig, private readonly options: ClientOptions = {}) {
    this.rest = new RestClient(config, options);
  }

  /** Resolves the configuration (options, environment, ~/.docker/config.json) and makes a client. */
  static async connect(options: ConfigOptions & ClientOptions = {}, sources: ConfigSources = {}): Promise<DockerCloudClient> {
    return new DockerCloudClient(await resolveConfig(options, sources), options);
  }

  private namespaceFor(kind: KindName): string | null {
    return KINDS[kind].namespaced ? this.config.namespace : null;
  }

  collectionPath(kind: KindName): string {
    return collectionUri(kind, this.namespaceFor(kind));
  }

  objectPath(kind: KindName, pk: string | readonly string[]): string {
    return objectUri(kind, this.namespaceFor(kind), pk);
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * A page of a kind. `summaries`: ask for the objects without their details (dctop's extension, SUMMARIES_HEADER: a
   * quarter of the bytes); other APIs ignore the header and answer whole objects.
   */
  async list<K extends KindName>(kind: K, filters: Filters = {}, { summaries = false }: ListOptions = {}): Promise<ListPage<WireOf[K]>> {
    const headers = summaries ? { [SUMMARIES_HEADER]: 'true' } : undefined;
    return (await this.rest.request<ListPage<WireOf[K]>>('GET', `${this.collectionPath(kind)}${query(filters)}`, undefined, headers)).body;
  }

  /**
   * Every object of a kind: one large page first, then, once total_count is known, the other pages in parallel
   * (10,000 containers are 10 requests, 4 at a time, not 400 in a row).
   */
  async listAll<K extends KindName>(kind: K, filters: Filters = {}, options: ListOptions = {}): Promise<WireOf[K][]> {
    const pageSize = this.options.pageSize ?? 1000;
    const first = await this.list(kind, { ...filters, limit: pageSize, offset: 0 }, options);
    const size = first.meta.limit > 0 ? first.meta.limit : pageSize;
    const offsets: number[] = [];
    for (let offset = size; offset < first.meta.total_count; offset += size) offsets.push(offset);
    const pages: WireOf[K][][] = new Array(offsets.length);
    let next = 0;
    const worker = async () => {
      while (next < offsets.length) {
        const i = next++;
        pages[i] = (await this.list(kind, { ...filters, limit: size, offset: offsets[i] }, options)).objects;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.pageConcurrency ?? 4, offsets.length) }, worker));
    // Under churn an object can move between pages while we read them: keep each once.
    const seen = new Set<string>();
    const all: WireOf[K][] = [];
    for (const object of [first.objects, ...pages].flat()) {
      if (seen.has(object.resource_uri)) continue;
      seen.add(object.resource_uri);
      all.push(object);
    }
    return all;
  }

  async get<K extends KindName>(kind: K, pk: string | readonly string[]): Promise<WireOf[K]> {
    return this.fetch<WireOf[K]>(this.objectPath(kind, pk));
  }

  /** GET of any resource URI (objects name each other by URI). */
  async fetch<T>(uri: string): Promise<T> {
    return (await this.rest.request<T>('GET', uri)).body;
  }

  /**
   * dctop's extension: which backend serves the API and what it cannot do (kind → operation → why). Null from an
   * API without it (the hosted Docker Cloud, an older dctop serve): then everything is assumed possible.
   */
  async backend(): Promise<BackendInfo | null> {
    try {
      return await this.fetch<BackendInfo>('/api/dctop/v1/backend/');
    } catch (error) {
      if (error instanceof DockerCloudError && (error.kind === 'not_found' || error.kind === 'method')) return null;
      throw error;
    }
  }

  // ── changing ───────────────────────────────────────────────────────────────────────────────────────

  private async mutate<T>(method: string, path: string, body?: unknown): Promise<Mutation<T>> {
    const res: RestResponse<T> = await this.rest.request<T>(method, path, body);
    const header = res.headers['x-dockercloud-action-uri'];
    return { object: res.body, actionUri: typeof header === 'string' ? header : null };
  }

  create<K extends 'nodecluster' | 'stack' | 'service' | 'repository'>(kind: K, body: object): Promise<Mutation<WireOf[K]>> {
    return this.mutate('POST', this.collectionPath(kind), body);
  }

  update<T>(uri: string, body: object): Promise<Mutation<T>> {
    return this.mutate('PATCH', uri, body);
  }

  terminate<T>(uri: string): Promise<Mutation<T>> {
    return this.mutate('DELETE', uri);
  }

  operate<T>(uri: string, op: ObjectOperation, options: { reuseVolumes?: boolean } = {}): Promise<Mutation<T>> {
    const q = options.reuseVolumes === undefined ? '' : `?reuse_volumes=${options.reuseVolumes}`;
    return this.mutate('POST', `${uri}${op}/${q}`);
  }

  /** Scales a service as the CLI does: sets target_num_containers, then asks for the scale. */
  async scale(serviceUri: string, target: number): Promise<Mutation<WireOf['service']>> {
    await this.update(serviceUri, { target_num_containers: target });
    return this.operate(serviceUri, 'scale');
  }

  async exportStack(stackUri: string): Promise<Record<string, unknown>> {
    return this.fetch(`${stackUri}export/`);
  }

  async triggers(serviceUri: string): Promise<Trigger[]> {
    return (await this.fetch<ListPage<Trigger>>(`${serviceUri}trigger/?limit=1000`)).objects;
  }

  createTrigger(serviceUri: string, trigger: { name?: string; operation?: TriggerOperation }): Promise<Mutation<Trigger>> {
    return this.mutate('POST', `${serviceUri}trigger/`, trigger);
  }

  deleteTrigger(triggerUri: string): Promise<Mutation<Trigger>> {
    return this.mutate('DELETE', triggerUri);
  }

  /** Calls a trigger's URL (no credentials needed, but sending them does no harm). */
  callTrigger<T>(url: string, count?: number): Promise<Mutation<T>> {
    return this.mutate('POST', count === undefined ? url : `${url}${count}/`);
  }

  async createNodeToken(): Promise<{ token: string }> {
    return (await this.mutate<{ token: string }>('POST', `/api/infra/v1/${this.config.namespace ? `${this.config.namespace}/` : ''}token/`)).object;
  }

  cancelAction(actionUri: string): Promise<Mutation<Action>> {
    return this.mutate('POST', `${actionUri}cancel/`);
  }

  retryAction(actionUri: string): Promise<Mutation<Action>> {
    return this.mutate('POST', `${actionUri}retry/`);
  }

  // ── streams ────────────────────────────────────────────────────────────────────────────────────────

  events(options: EventStreamOptions = {}): EventStream {
    const { backoff, authRetryMs } = this.options;
    return new EventStream(this.config, {
      ...this.socketOptions(), ...(backoff ? { backoff } : {}), ...(authRetryMs !== undefined ? { authRetryMs } : {}), ...options,
    });
  }

  /** Logs of a container, a service (aggregated, with `source`) or an action, by its resource URI. */
  logs(objectUri: string, options: LogOptions = {}): LogStream {
    return new LogStream(this.config, objectUri, { ...this.socketOptions(), ...options });
  }

  /**
   * Live resource metrics (dctop's extension): `set(uris)` the containers, services and nodes to report on; a frame
   * per interval comes to `onFrame`. Reconnects with backoff and sends the set again; against an API without the
   * extension, `onState` hears `unsupported` once and nothing is retried.
   */
  metrics(options: MetricsOptions): MetricsSubscription {
    const { backoff } = this.options;
    return new MetricsStream(this.config, { ...this.socketOptions(), ...(backoff ? { backoff } : {}), ...options }).start();
  }

  /** `tty`: ask for an interactive terminal (dctop's extension; other APIs ignore it). */
  exec(containerUri: string, command = 'sh', options: { tty?: boolean } = {}): ExecSession {
    return new ExecSession(this.config, containerUri, command, this.socketOptions(), options.tty === true);
  }

  private socketOptions(): SocketOptions {
    const { handshakeTimeoutMs, pingIntervalMs, pongTimeoutMs } = this.options;
    return {
      ...(handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs } : {}),
      ...(pingIntervalMs !== undefined ? { pingIntervalMs } : {}),
      ...(pongTimeoutMs !== undefined ? { pongTimeoutMs } : {}),
    };
  }

  async close(): Promise<void> {
    await this.rest.close();
  }
}

/** GET /api/dctop/v1/backend/: the backend's name, and kind → operation → why it cannot be done there. */
export interface BackendInfo {
  backend: string;
  unsupported: Partial<Record<string, Partial<Record<string, string>>>> & { token?: string };
}
