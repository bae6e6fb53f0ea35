// The Docker Cloud API server: REST and Stream routes over one HTTP listener, in front of a Backend.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionLog } from './actions.js';
import { LoginGuard } from './login-guard.js';
import { MetricsHub } from './metrics.js';
import type { Accounts } from './auth.js';
import type { Backend, Subscription } from './backend.js';
import { EventsHub } from './events-hub.js';
import { JsonCache } from './json-cache.js';
import { RateLimiter } from './rate-limit.js';
import { RestApi } from './rest.js';
import { StreamApi } from './streams.js';
import { TriggerStore } from './triggers.js';

export interface ApiServerOptions {
  backend: Backend;
  accounts: Accounts;
  /** Requests per second per user; 0 disables the limit. */
  rateLimit: number;
  /** Finished actions kept per user and namespace (default MAX_ACTIONS_PER_USER). */
  actionsPerUser?: number;
  /** Events carry their object (the dctop extension, default on); off, the server speaks the reference alone. */
  eventObjects?: boolean;
}

export class ApiServer {
  readonly hub: EventsHub;
  readonly actions: ActionLog;
  readonly triggers = new TriggerStore();
  readonly json: JsonCache;
  /** Live resource metrics (dctop's extension): what sockets subscribed to, sampled once per tick. */
  readonly metrics: MetricsHub;
  private readonly http: Server;
  private readonly streams: StreamApi;
  private readonly backendSubscription: Subscription;

  constructor(readonly options: ApiServerOptions) {
    const { backend, accounts } = options;
    const resolve = (uri: string) => backend.getByUri(uri);
    this.json = new JsonCache(backend.version?.bind(backend));
    this.hub = new EventsHub(Date.now, (object, summaryOf) => (summaryOf ? this.json.summary(summaryOf, object) : this.json.object(object)), options.eventObjects ?? true);
    this.actions = new ActionLog((namespace, action, wire) =>
      this.hub.publish(namespace, 'action', action, wire as never, resolve), Date.now, options.actionsPerUser);
    this.backendSubscription = backend.subscribe((change) => {
      this.hub.publish(change.namespace, change.kind, change.action, change.object, resolve);
      if (change.kind === 'service' && change.object['state'] === 'Terminated') {
        this.triggers.deleteForService(change.object.resource_uri);
      }
    });
    const limiter = new RateLimiter(options.rateLimit);
    const logins = new LoginGuard();
    const rest = new RestApi({ backend, accounts, logins, actions: this.actions, triggers: this.triggers, limiter, json: this.json });
    this.metrics = new MetricsHub(backend);
    this.streams = new StreamApi({ backend, accounts, logins, limiter, actions: this.actions, hub: this.hub, metrics: this.metrics });
    this.http = createServer((req, res) => void rest.handle(req, res));
    this.http.keepAliveTimeout = 65_000;
    this.http.on('upgrade', (req, socket, head) => this.streams.handleUpgrade(req, socket, head));
    // A request node cannot parse still gets a JSON error, as every other mistake does.
    this.http.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
      const body = JSON.stringify({ error: `Bad request: ${error.code === 'HPE_HEADER_OVERFLOW' ? 'headers too large' : 'malformed HTTP'}` });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  }

  /** Listens on host:port (port 0 picks a free one) and returns the base URL. */
  listen(port: number, host: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        const address = this.http.address() as AddressInfo;
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(`http://${shownHost}:${address.port}`);
      });
    });
  }

  /**
   * Stops listening and drops every connection, but keeps the backend: a later listen() serves the same world.
   * (What a client sees when the API goes away and comes back.)
   */
  async stopListening(): Promise<void> {
    this.streams.disconnectAll();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.backendSubscription.close();
    this.streams.close();
    this.metrics.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.options.backend.close();
  }
}
