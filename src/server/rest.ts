// The REST routes: authentication, namespaces, dispatch to list/get/create/update/terminate/operations, actions
// and triggers. Everything backend-specific happens behind the Backend interface.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  KINDS, SUMMARIES_HEADER, allows, parsePath, type KindName, type KindSpec, type Operation, type ParsedPath, type WireObject,
} from '../domain/index.js';
import type { ActionLog, ActionRequest, Runner } from './actions.js';
import { canAccess, defaultNamespace, namespacesOf, type Accounts } from './auth.js';
import { checkLogin, type LoginGuard } from './login-guard.js';
import { POST_OPERATIONS, type ActionHandle, type Backend, type Outcome, type PostOperation, type Verb } from './backend.js';
import { unsupported } from './backend-errors.js';
import { isObject, toBool, toInt, type Json, type JsonObject } from './body.js';
import { ApiError, badRequest, methodNotAllowed, notFound, toApiError } from './errors.js';
import { parentsOf } from './events-hub.js';
import { ClientGone, clientIp, readJsonBody, sendError, sendJson, sendJsonText } from './http-util.js';
import type { JsonCache } from './json-cache.js';
import {
  parseNodeClusterCreate, parseNodeClusterUpdate, parseNodeUpdate, parseRepositoryCreate, parseRepositoryUpdate,
  MAX_TARGET, parseServiceCreate, parseServiceUpdate, parseStackCreate, parseStackUpdate, parseTriggerCreate,
} from './inputs.js';
import { listPage } from './listing.js';
import type { RateLimiter } from './rate-limit.js';
import type { TriggerStore } from './triggers.js';

/** dctop's extension endpoint: the backend's name and what it cannot do. */
export const BACKEND_PATH = '/api/dctop/v1/backend/';

export interface RestContext {
  backend: Backend;
  accounts: Accounts;
  logins: LoginGuard;
  actions: ActionLog;
  triggers: TriggerStore;
  limiter: RateLimiter;
  json: JsonCache;
}

/** A route's answer: a body to serialize, or JSON already serialized (from the cache). */
interface Reply { status: number; body?: unknown; json?: string; headers?: Record<string, string> }

const CREATE_PARSERS: Partial<Record<KindName, (body: JsonObject) => unknown>> = {
  nodecluster: parseNodeClusterCreate,
  stack: parseStackCreate,
  service: (body) => parseServiceCreate(body),
  repository: parseRepositoryCreate,
};
const UPDATE_PARSERS: Partial<Record<KindName, (body: JsonObject) => unknown>> = {
  nodecluster: parseNodeClusterUpdate,
  node: parseNodeUpdate,
  stack: parseStackUpdate,
  service: (body) => parseServiceUpdate(body),
  repository: parseRepositoryUpdate,
};
const VERBS: Record<string, string> = {
  create: 'Create', update: 'Update', terminate: 'Terminate', start: 'Start', stop: 'Stop', redeploy: 'Redeploy',
  scale: 'Scale', deploy: 'Deploy', 'docker-upgrade': 'Upgrade Docker', 'health-check': 'Health Check',
};

/** What one request is about, once authenticated and parsed. */
interface Request {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  user: string;
  namespace: string;
  parsed: ParsedPath;
  body: Json | undefined;
}

export class RestApi {
  constructor(private readonly ctx: RestContext) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const result = await this.route(req);
      if (result.json !== undefined) sendJsonText(res, result.status, result.json, result.headers);
      else sendJson(res, result.status, result.body, result.headers);
    } catch (error) {
      const known = toApiError(error);
      if (known) sendError(res, known);
      else if (error instanceof ClientGone) res.destroy();
      else {
        console.error('dctop serve: internal error on', req.method, req.url, error);
        sendJson(res, 500, { error: 'Internal server error' });
      }
    }
  }

  private async route(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    // HEAD is GET without the body (node's http leaves the body out of a HEAD response).
    const method = req.method?.toUpperCase() === 'HEAD' ? 'GET' : (req.method ?? 'GET').toUpperCase();
    if (path === BACKEND_PATH) return this.describeBackend(req, method);
    const parsed = parsePath(path);
    if (!parsed) throw notFound(`No such endpoint: ${url.pathname}`);

    // Trigger calls carry no credentials: the trigger's UUID in the path is the secret.
    if (parsed.kind === 'service' && parsed.rest[0] === 'trigger' && parsed.rest[2] === 'call') {
      if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
      return this.callTrigger(req, parsed, path);
    }

    const user = checkLogin(this.ctx.logins, this.ctx.accounts, req.headers.authorization, clientIp(req));
    const wait = this.ctx.limiter.take(user);
    if (wait > 0) throw new ApiError(429, `Too many requests; retry in ${wait} s`, { 'Retry-After': String(wait) });

    const namespace = parsed.namespace ?? defaultNamespace(this.ctx.accounts, user);
    if (!canAccess(this.ctx.accounts, user, namespace)) throw notFound(`No such endpoint: ${url.pathname}`);
    const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await readJsonBody(req) : undefined;
    const r: Request = { req, method, path, query: url.searchParams, user, namespace, parsed, body };

    if (parsed.kind === 'events') throw badRequest('The events stream is a websocket endpoint: connect with Upgrade: websocket');
    if (parsed.kind === 'token') {
      if (method !== 'POST') throw methodNotAllowed(method, ['POST']);
      return this.createToken(r);
    }
    const spec = KINDS[parsed.kind];
    if (parsed.pk.length === 0) return this.collection(r, spec);
    const pkLength = spec.pkSegments === 'rest' ? parsed.pk.length : spec.pkSegments;
    if (parsed.pk.length < pkLength) throw notFound(`No ${spec.label.toLowerCase()} at ${url.pathname}`);
    if (spec.kind === 'service' && parsed.rest[0] === 'trigger') return this.triggerRoutes(r);
    if (parsed.rest.length === 0) return this.object(r, spec);
    return this.subresource(r, spec);
  }

  // ── collections ────────────────────────────────────────────────────────────────────────────────────

  private async collection(r: Request, spec: KindSpec): Promise<Reply> {
    if (r.method === 'GET') {
      const all = spec.kind === 'action'
        ? this.ctx.actions.list(new Set(namespacesOf(this.ctx.accounts, r.user)))
        : this.ctx.backend.list(spec.kind, spec.namespaced ? r.namespace : null);
      const resolve = (uri: string) => this.ctx.backend.getByUri(uri);
      const page = listPage(spec, all as readonly WireObject[], r.query, r.path, resolve);
      // Backend objects carry versions for the serialization cache; actions live in the action log and do not.
      if (spec.kind === 'action') return { status: 200, body: page };
      // dctop's extension: a client that asks for summaries gets the objects without their details.
      const summaries = r.req.headers[SUMMARIES_HEADER] === 'true';
      return { status: 200, json: this.ctx.json.page(page, summaries ? spec.kind : undefined) };
    }
    const parse = CREATE_PARSERS[spec.kind];
    if (!parse || !this.offers(spec.kind, 'create')) throw methodNotAllowed(r.method, ['GET']);
    if (r.method !== 'POST') throw methodNotAllowed(r.method, ['GET', 'POST']);
    const create = this.handler(spec.kind, 'create');
    const input = parse(requireObject(r.body));
    let created: WireObject | undefined;
    const action = await this.runAction(r, spec, 'create', r.path, (handle) => after(create(r.namespace, input as never, handle), (o) => {
      created = o;
      handle.setObject(o.resource_uri);
    }), { retriable: false });
    return { status: 201, body: created, headers: actionHeader(action.resource_uri) };
  }

  // ── objects ────────────────────────────────────────────────────────────────────────────────────────

  private async object(r: Request, spec: KindSpec): Promise<Reply> {
    const object = this.mustGet(r, spec);
    switch (r.method) {
      case 'GET':
        return spec.kind === 'action' ? { status: 200, body: object } : { status: 200, json: this.ctx.json.object(object) };
      case 'PATCH':
      case 'PUT': {
        const parse = UPDATE_PARSERS[spec.kind];
        if (!parse || !this.offers(spec.kind, 'update')) break;
        const update = this.handler(spec.kind, 'update');
        const input = parse(requireObject(r.body ?? {}));
        return this.mutate(r, spec, object, 'update', (handle) => update(r.namespace, r.parsed.pk, input as never, handle));
      }
      case 'DELETE': {
        if (!this.offers(spec.kind, 'terminate')) break;
        const terminate = this.handler(spec.kind, 'terminate');
        return this.mutate(r, spec, object, 'terminate', (handle) => terminate(r.namespace, r.parsed.pk, handle));
      }
      default:
        break;
    }
    const allowed = ['GET'];
    if (UPDATE_PARSERS[spec.kind] && this.offers(spec.kind, 'update')) allowed.push('PATCH');
    if (this.offers(spec.kind, 'terminate')) allowed.push('DELETE');
    throw methodNotAllowed(r.method, allowed);
  }

  private async subresource(r: Request, spec: KindSpec): Promise<Reply> {
    const [op, ...extra] = r.parsed.rest;
    if (extra.length > 0) throw notFound(`No such endpoint: ${r.path}`);
    if (spec.kind === 'stack' && op === 'export') {
      if (r.method !== 'GET') throw methodNotAllowed(r.method, ['GET']);
      this.mustGet(r, spec);
      return { status: 200, body: await this.ctx.backend.exportStack(r.namespace, r.parsed.pk) };
    }
    if (op === 'logs' || op === 'exec') {
      throw badRequest(`${op} is a Stream API endpoint: connect with a websocket (Upgrade: websocket)`);
    }
    if (spec.kind === 'action' && (op === 'cancel' || op === 'retry')) {
      if (r.method !== 'POST') throw methodNotAllowed(r.method, ['POST']);
      this.mustGet(r, spec);
      const uuid = r.parsed.pk[0]!;
      const action = op === 'cancel' ? this.ctx.actions.cancel(uuid) : this.ctx.actions.retry(uuid);
      return { status: op === 'retry' ? 202 : 200, body: action, headers: actionHeader(action.resource_uri) };
    }
    const operation = op as PostOperation;
    if (!POST_OPERATIONS.includes(operation) || !(operation in spec.operations) || !this.offers(spec.kind, operation)) {
      throw notFound(`No such endpoint: ${r.path}`);
    }
    if (r.method !== 'POST') throw methodNotAllowed(r.method, ['POST']);
    const object = this.mustGet(r, spec);
    const run = this.handler(spec.kind, operation);
    const reuse = r.query.get('reuse_volumes');
    const params = reuse === null ? {} : { reuseVolumes: toBool(reuse) ?? true };
    return this.mutate(r, spec, object, operation, (handle) => run(r.namespace, r.parsed.pk, params, handle));
  }

  /** Whether the API's endpoint for this exists here: the backend does it, or says why it cannot. */
  private offers(kind: KindName, verb: Verb): boolean {
    return this.lookup(kind, verb) !== undefined || this.ctx.backend.unsupported[kind]?.[verb] !== undefined;
  }

  /** The backend's handler; what it cannot do is refused with its reason before any action is recorded. */
  private handler(kind: KindName, verb: Verb): AnyHandler {
    const found = this.lookup(kind, verb);
    if (!found) throw unsupported(this.ctx.backend.unsupported[kind]?.[verb] ?? `The ${this.ctx.backend.name} backend cannot ${verb} ${kind} objects`);
    return found;
  }

  private lookup(kind: KindName, verb: Verb): AnyHandler | undefined {
    const handlers = this.ctx.backend.handlers[kind];
    if (!handlers) return undefined;
    const found = verb === 'create' || verb === 'update' || verb === 'terminate' ? handlers[verb] : handlers.operations?.[verb];
    return found?.bind(handlers) as AnyHandler | undefined;
  }

  /** dctop's extension: which backend serves this API and what it cannot do, so that a monitor hides those keys. */
  private describeBackend(req: IncomingMessage, method: string): Reply {
    if (method !== 'GET') throw methodNotAllowed(method, ['GET']);
    checkLogin(this.ctx.logins, this.ctx.accounts, req.headers.authorization, clientIp(req));
    return { status: 200, body: { backend: this.ctx.backend.name, unsupported: this.ctx.backend.unsupported } };
  }

  /** An operation on an existing object: refused whole when the object's state does not allow it. */
  private async mutate(r: Request, spec: KindSpec, object: WireObject, op: Operation, run: (h: ActionHandle) => Outcome<WireObject>) {
    let result: WireObject = object;
    const resolve = (uri: string) => this.ctx.backend.getByUri(uri);
    const current = () => this.ctx.backend.getByUri(object.resource_uri) ?? object;
    const action = await this.runAction(r, spec, op, object.resource_uri, (handle) => {
      // Checked again when it runs: a Pending operation may find its object changed.
      checkState(spec, current(), op);
      return after(run(handle), (o) => {
        result = o;
      });
    }, {
      check: () => checkState(spec, object, op),
      waitFor: [object.resource_uri, ...parentsOf(spec.kind, object, resolve)],
    });
    // An operation that finished before we answer is 200; one still running (or waiting) is 202 Accepted.
    const finished = action.state === 'Success' || action.state === 'Failed';
    return { status: finished ? 200 : 202, body: result, headers: actionHeader(action.resource_uri) };
  }

  private runAction(
    r: Request, spec: KindSpec, op: string, object: string, runner: Runner,
    options: { retriable?: boolean; check?: () => void; waitFor?: string[] } = {},
  ) {
    const request: ActionRequest = {
      ...(options.waitFor ? { waitFor: options.waitFor } : {}),
      namespace: r.namespace,
      user: r.user,
      name: `${spec.label} ${VERBS[op] ?? op}`,
      method: r.method,
      path: r.path,
      object,
      ip: clientIp(r.req),
      userAgent: String(r.req.headers['user-agent'] ?? ''),
      isUserAction: true,
    };
    return this.ctx.actions.run(request, runner, options);
  }

  private mustGet(r: Request, spec: KindSpec): WireObject {
    if (spec.kind === 'action') {
      const uuid = r.parsed.pk[0]!;
      const record = this.ctx.actions.get(uuid);
      if (!record || !namespacesOf(this.ctx.accounts, r.user).includes(record.namespace)) {
        throw notFound(`Action ${uuid} not found`);
      }
      return record.wire as unknown as WireObject;
    }
    const object = this.ctx.backend.get(spec.kind, spec.namespaced ? r.namespace : null, r.parsed.pk);
    if (!object) throw notFound(`${spec.label} ${r.parsed.pk.join('/')} not found`);
    return object;
  }

  // ── triggers and tokens ────────────────────────────────────────────────────────────────────────────

  private async triggerRoutes(r: Request) {
    const service = this.mustGet(r, KINDS.service);
    const [, uuid, ...extra] = r.parsed.rest;
    const triggers = this.ctx.triggers;
    if (extra.length > 0) throw notFound(`No such endpoint: ${r.path}`);
    if (uuid === undefined) {
      if (r.method === 'GET') {
        const resolve = (uri: string) => this.ctx.backend.getByUri(uri);
        const all = triggers.list(service.resource_uri) as unknown as WireObject[];
        return { status: 200, body: listPage(KINDS.trigger, all, r.query, r.path, resolve) };
      }
      if (r.method !== 'POST') throw methodNotAllowed(r.method, ['GET', 'POST']);
      const input = parseTriggerCreate(requireObject(r.body ?? {}));
      let trigger: WireObject | undefined;
      const action = await this.runAction(r, KINDS.trigger, 'create', service.resource_uri, (handle) => {
        trigger = triggers.create(r.namespace, service.resource_uri, input.name, input.operation) as unknown as WireObject;
        handle.setObject(trigger.resource_uri);
        handle.succeed();
      }, { retriable: false });
      return { status: 201, body: trigger, headers: actionHeader(action.resource_uri) };
    }
    const record = triggers.get(service.resource_uri, uuid);
    if (!record) throw notFound(`Trigger ${uuid} not found`);
    if (r.method === 'GET') return { status: 200, body: record.trigger };
    if (r.method !== 'DELETE') throw methodNotAllowed(r.method, ['GET', 'DELETE']);
    const action = await this.runAction(r, KINDS.trigger, 'terminate', record.trigger.resource_uri, (handle) => {
      triggers.delete(uuid);
      handle.succeed();
    }, { retriable: false });
    return { status: 200, body: record.trigger, headers: actionHeader(action.resource_uri) };
  }

  private async callTrigger(req: IncomingMessage, parsed: ParsedPath, path: string) {
    const [, uuid, , count, ...extra] = parsed.rest;
    const record = uuid ? this.ctx.triggers.find(uuid) : undefined;
    const service = record ? this.ctx.backend.getByUri(record.serviceUri) : undefined;
    if (!record || !service || parsed.pk[0] !== service['uuid'] || extra.length > 0) {
      throw notFound('Trigger not found');
    }
    const scaleBy = count === undefined ? 1 : toInt(count, 1, 100);
    if (scaleBy === undefined) throw badRequest(`Invalid scale-up count '${count}': expected 1 to 100`);
    const target = Number(service['target_num_containers'] ?? 0) + (record.trigger.operation === 'SCALEUP' ? scaleBy : 0);
    if (target > MAX_TARGET) throw badRequest(`Scaling up would take the service to ${target} containers; at most ${MAX_TARGET}`);
    const op: PostOperation = record.trigger.operation === 'SCALEUP' ? 'scale' : 'redeploy';
    const run = this.handler('service', op);
    const pk = [String(service['uuid'])];
    const request: ActionRequest = {
      namespace: record.namespace, user: record.namespace, name: `Service ${VERBS[op]}`, method: 'POST', path,
      object: service.resource_uri, ip: clientIp(req), userAgent: String(req.headers['user-agent'] ?? ''),
      isUserAction: false, waitFor: [service.resource_uri, ...parentsOf('service', service, (uri) => this.ctx.backend.getByUri(uri))],
    };
    let result: WireObject = service;
    const action = await this.ctx.actions.run(request, (handle) => {
      checkState(KINDS.service, service, op);
      return after(run(record.namespace, pk, op === 'scale' ? { scaleBy } : {}, handle), (o) => {
        result = o;
      });
    });
    return { status: 202, body: result, headers: actionHeader(action.resource_uri) };
  }

  private async createToken(r: Request) {
    const { backend } = this.ctx;
    if (!backend.createNodeToken) throw unsupported(backend.unsupported.token ?? `The ${backend.name} backend issues no node tokens`);
    const create = backend.createNodeToken.bind(backend);
    let token: { token: string; command: string } | undefined;
    const action = await this.runAction(r, KINDS.node, 'create', r.path, (handle) => after(create(r.namespace), (t) => {
      token = t;
      handle.succeed();
    }), { retriable: false });
    return { status: 201, body: token, headers: actionHeader(action.resource_uri) };
  }
}

function checkState(spec: KindSpec, object: WireObject, op: Operation): void {
  const state = String(object['state'] ?? '');
  if (spec.states.length === 0 || allows(spec.operations, op, state)) return;
  const allowedIn = spec.operations[op] ?? [];
  throw badRequest(
    `Cannot ${op} ${spec.label.toLowerCase()} '${String(object['name'] ?? object['uuid'])}' while it is ${state}` +
      (allowedIn.length ? `; allowed when ${allowedIn.join(', ')}` : ''),
  );
}

/** A handler of any kind and verb: the parsers made its input, for the kind of the path. */
type AnyHandler = (...args: any[]) => Outcome<WireObject>;

/** Goes on with a backend's answer: at once when it is there, once it arrives when it is a promise. */
function after<T>(outcome: Outcome<T>, then: (value: T) => void): Promise<void> | undefined {
  if (outcome instanceof Promise) return outcome.then(then);
  then(outcome);
  return undefined;
}

function requireObject(body: Json | undefined): JsonObject {
  if (body === undefined) return {};
  if (!isObject(body)) throw badRequest('The request body must be a JSON object');
  return body;
}

function actionHeader(uri: string): Record<string, string> {
  return { 'X-DockerCloud-Action-URI': uri };
}
