// Create and update bodies, validated and normalized into what a backend receives (backend-inputs.ts). Both the reference's keys and the
// stack-file keys the docker-cloud CLI sends verbatim are accepted (wire-compat.md).
import type { EnvVar, ProviderOptions, Tag } from '../domain/index.js';
import { BodyReader, defined, isObject, toInt, type Json, type JsonObject } from './body.js';
import { badRequest } from './errors.js';

export type {
  BindingInput, CreateInputs, LinkInput, NodeClusterCreate, NodeClusterUpdate, NodeUpdate, PortInput, RepositoryCreate,
  RepositoryUpdate, ServiceSpec, ServiceUpdate, StackCreate, StackUpdate, TriggerCreate, UpdateInputs,
} from './backend-inputs.js';
import type {
  BindingInput, LinkInput, NodeClusterCreate, NodeClusterUpdate, NodeUpdate, PortInput, RepositoryCreate, RepositoryUpdate,
  ServiceSpec, ServiceUpdate, StackCreate, StackUpdate, TriggerCreate,
} from './backend-inputs.js';

/** The most containers a service may be asked to run (by a body, a scale or a trigger). */
export const MAX_TARGET = 1000;

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
const AUTORESTART = ['OFF', 'ON_FAILURE', 'ALWAYS'] as const;
const AUTODESTROY = ['OFF', 'ON_SUCCESS', 'ALWAYS'] as const;
const STRATEGIES = ['EMPTIEST_NODE', 'HIGH_AVAILABILITY', 'EVERY_NODE'] as const;
/** Stack files spell these in lower case with dashes ("on-failure", "no"). */
const upperSnake = (s: string) => {
  const v = s.trim().toUpperCase().replace(/-/g, '_');
  return v === 'NO' ? 'OFF' : v;
};

function checkName(name: string, field: string): string {
  if (!NAME.test(name)) {
    throw badRequest(`Invalid field '${field}': a name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit`);
  }
  return name;
}

/** "tutum/hello-world:latest" → "hello-world": the reference's default service name. */
export function defaultServiceName(image: string): string {
  const last = image.split('/').pop() ?? image;
  return last.split(':')[0]!.replace(/[^a-zA-Z0-9_.-]/g, '-') || 'service';
}

export function parseServiceCreate(body: JsonObject, where = ''): ServiceSpec {
  const r = new BodyReader(body, where);
  const partial = readService(r);
  const image = r.requireString('image');
  return {
    image,
    name: checkName(partial.name ?? defaultServiceName(image), `${where}name`),
    nickname: partial.nickname ?? null,
    target_num_containers: partial.target_num_containers ?? 1,
    run_command: partial.run_command ?? null,
    entrypoint: partial.entrypoint ?? null,
    container_ports: partial.container_ports ?? [],
    container_envvars: partial.container_envvars ?? [],
    linked_to_service: partial.linked_to_service ?? [],
    bindings: partial.bindings ?? [],
    autorestart: partial.autorestart ?? 'OFF',
    autodestroy: partial.autodestroy ?? 'OFF',
    sequential_deployment: partial.sequential_deployment ?? false,
    roles: partial.roles ?? [],
    privileged: partial.privileged ?? false,
    deployment_strategy: partial.deployment_strategy ?? 'EMPTIEST_NODE',
    tags: partial.tags ?? [],
    autoredeploy: partial.autoredeploy ?? false,
    net: partial.net ?? 'bridge',
    pid: partial.pid ?? 'none',
    working_dir: partial.working_dir ?? '/',
    cpu_shares: partial.cpu_shares ?? null,
    cpuset: partial.cpuset ?? null,
    memory: partial.memory ?? null,
    memory_swap: partial.memory_swap ?? null,
    labels: partial.labels ?? {},
    hostname: partial.hostname ?? null,
    domainname: partial.domainname ?? null,
    user: partial.user ?? 'root',
    cap_add: partial.cap_add ?? [],
    cap_drop: partial.cap_drop ?? [],
    dns: partial.dns ?? [],
    dns_search: partial.dns_search ?? [],
    devices: partial.devices ?? [],
    extra_hosts: partial.extra_hosts ?? [],
    security_opt: partial.security_opt ?? [],
    mac_address: partial.mac_address ?? null,
    read_only: partial.read_only ?? false,
    tty: partial.tty ?? false,
    stdin_open: partial.stdin_open ?? false,
  };
}

export function parseServiceUpdate(body: JsonObject, where = ''): ServiceUpdate {
  const r = new BodyReader(body, where);
  const update = readService(r);
  if (update.name !== undefined) checkName(update.name, `${where}name`);
  if (r.has('image')) update.image = r.requireString('image');
  return update;
}

/** Every service field present in the body, from reference keys or stack-file keys. */
function readService(r: BodyReader): ServiceUpdate {
  const s: ServiceUpdate = {};
  const set = <K extends keyof ServiceSpec>(key: K, value: ServiceSpec[K] | undefined) => {
    if (value !== undefined) s[key] = value;
  };
  set('name', r.optString('name'));
  set('nickname', r.optString('nickname'));
  set('target_num_containers', r.optInt('target_num_containers', 0, MAX_TARGET));
  set('run_command', commandString(r, 'run_command') ?? commandString(r, 'command'));
  set('entrypoint', commandString(r, 'entrypoint'));
  set('container_ports', r.optList('container_ports', readPort) ?? readStackPorts(r));
  set('container_envvars', r.optList('container_envvars', readEnvVar) ?? readStackEnvironment(r));
  set('linked_to_service', r.optList('linked_to_service', readLink) ?? readStackLinks(r));
  set('bindings', mergeBindings(r.optList('bindings', readBinding), readStackVolumes(r)));
  set('autorestart', r.optEnum('autorestart', AUTORESTART, upperSnake) ?? r.optEnum('restart', AUTORESTART, upperSnake));
  set('autodestroy', r.optEnum('autodestroy', AUTODESTROY, upperSnake));
  set('sequential_deployment', r.optBool('sequential_deployment'));
  set('roles', r.optStringList('roles'));
  set('privileged', r.optBool('privileged'));
  set('deployment_strategy', r.optEnum('deployment_strategy', STRATEGIES, upperSnake));
  set('tags', readTags(r));
  set('autoredeploy', r.optBool('autoredeploy'));
  set('net', r.optEnum('net', ['bridge', 'host'] as const));
  set('pid', r.optEnum('pid', ['none', 'host'] as const));
  set('working_dir', r.optString('working_dir'));
  set('cpu_shares', r.optInt('cpu_shares', 0, 262144));
  set('cpuset', r.optString('cpuset'));
  set('memory', r.optInt('memory', 0) ?? r.optInt('mem_limit', 0));
  set('memory_swap', r.optInt('memory_swap', -1) ?? r.optInt('memswap_limit', -1));
  set('labels', r.optStringMap('labels'));
  set('hostname', r.optString('hostname'));
  set('domainname', r.optString('domainname'));
  set('user', r.optString('user'));
  set('cap_add', r.optStringList('cap_add'));
  set('cap_drop', r.optStringList('cap_drop'));
  set('dns', stringOrList(r, 'dns'));
  set('dns_search', stringOrList(r, 'dns_search'));
  set('devices', r.optStringList('devices'));
  set('extra_hosts', r.optStringList('extra_hosts'));
  set('security_opt', r.optStringList('security_opt'));
  set('mac_address', r.optString('mac_address'));
  set('read_only', r.optBool('read_only'));
  set('tty', r.optBool('tty'));
  set('stdin_open', r.optBool('stdin_open'));
  return s;
}

function commandString(r: BodyReader, field: string): string | null | undefined {
  const value = r.body[field];
  if (Array.isArray(value)) return value.map(String).join(' ');
  return r.optNullableString(field);
}

function stringOrList(r: BodyReader, field: string): string[] | undefined {
  const value = r.body[field];
  return typeof value === 'string' ? [value] : r.optStringList(field);
}

function readPort(value: Json, where: string): PortInput {
  const p = BodyReader.of(value, where);
  const inner = p.optInt('inner_port', 1, 65535);
  if (inner === undefined) throw badRequest(`Missing required field '${where}inner_port'`);
  const outer = p.optInt('outer_port', 1, 65535) ?? null;
  return {
    protocol: p.optEnum('protocol', ['tcp', 'udp'] as const, (s) => s.toLowerCase()) ?? 'tcp',
    inner_port: inner,
    outer_port: outer,
    published: p.optBool('published') ?? outer !== null,
  };
}

/** Stack-file `ports: ["80:80", "8080", "53:53/udp"]` publish; `expose: [9000]` does not. */
function readStackPorts(r: BodyReader): PortInput[] | undefined {
  const ports = r.optList('ports', (v, where) => parsePortSpec(v, where, true));
  const expose = r.optList('expose', (v, where) => parsePortSpec(v, where, false));
  if (!ports && !expose) return undefined;
  return [...(ports ?? []), ...(expose ?? [])];
}

function parsePortSpec(value: Json, where: string, published: boolean): PortInput {
  const text = String(value);
  const m = /^(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(text.trim());
  const inner = m ? toInt(m[2], 1, 65535) : undefined;
  const outer = m?.[1] ? toInt(m[1], 1, 65535) : null;
  if (!m || inner === undefined || outer === undefined) {
    throw badRequest(`Invalid field '${where.slice(0, -1)}': expected "[outer:]inner[/tcp|udp]", got ${JSON.stringify(value)}`);
  }
  return { protocol: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp', inner_port: inner, outer_port: outer, published };
}

function readEnvVar(value: Json, where: string): EnvVar {
  const e = BodyReader.of(value, where);
  return { key: e.requireString('key'), value: e.optString('value') ?? '' };
}

/** Stack-file `environment`: ["FOO=bar"] or {"FOO": "bar"}. */
function readStackEnvironment(r: BodyReader): EnvVar[] | undefined {
  const value = r.body['environment'];
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) return Object.entries(value).map(([key, v]) => ({ key, value: v === null ? '' : String(v) }));
  return r.optList('environment', (v, where) => {
    const text = String(v);
    const eq = text.indexOf('=');
    if (eq <= 0) throw badRequest(`Invalid field '${where.slice(0, -1)}': expected "KEY=value", got ${JSON.stringify(v)}`);
    return { key: text.slice(0, eq), value: text.slice(eq + 1) };
  });
}

function readLink(value: Json, where: string): LinkInput {
  const l = BodyReader.of(value, where);
  return { to_service: l.requireString('to_service'), name: l.optString('name') ?? null };
}

/** Stack-file `links: ["db", "db:alias"]`, by service name. */
function readStackLinks(r: BodyReader): LinkInput[] | undefined {
  return r.optList('links', (v, where) => {
    if (typeof v !== 'string' || v === '') throw badRequest(`Invalid field '${where.slice(0, -1)}': expected "service[:alias]"`);
    const [service, alias] = v.split(':');
    return { to_service: service!, name: alias ?? null };
  });
}

function readBinding(value: Json, where: string): BindingInput {
  const b = BodyReader.of(value, where);
  const binding = {
    host_path: b.optString('host_path') || null,
    container_path: b.optString('container_path') || null,
    rewritable: b.optBool('rewritable') ?? true,
    volumes_from: b.optString('volumes_from') || null,
  };
  if (!binding.container_path && !binding.volumes_from) {
    throw badRequest(`Invalid field '${where.slice(0, -1)}': container_path or volumes_from is required`);
  }
  return binding;
}

/** Stack-file `volumes: ["/data", "/host:/data:ro"]` and `volumes_from: ["service"]`. */
function readStackVolumes(r: BodyReader): BindingInput[] | undefined {
  const volumes = r.optList('volumes', (v, where) => {
    const parts = String(v).split(':');
    if (!parts[0]) throw badRequest(`Invalid field '${where.slice(0, -1)}': expected "[host:]container[:ro|rw]"`);
    const mode = parts.length > 1 && (parts.at(-1) === 'ro' || parts.at(-1) === 'rw') ? parts.pop() : undefined;
    const [a, b] = parts;
    return { host_path: b ? a! : null, container_path: b ?? a!, rewritable: mode !== 'ro', volumes_from: null };
  });
  const from = r.optStringList('volumes_from')?.map((service) => ({
    host_path: null, container_path: null, rewritable: true, volumes_from: service,
  }));
  if (!volumes && !from) return undefined;
  return [...(volumes ?? []), ...(from ?? [])];
}

function mergeBindings(a: BindingInput[] | undefined, b: BindingInput[] | undefined): BindingInput[] | undefined {
  if (!a && !b) return undefined;
  return [...(a ?? []), ...(b ?? [])];
}

/** Tags as [{"name": "x"}] (reference) or ["x"] (stack files). */
function readTags(r: BodyReader): Tag[] | undefined {
  return r.optList('tags', (v, where) => {
    if (typeof v === 'string') return { name: v };
    return { name: BodyReader.of(v, where).requireString('name') };
  });
}

export function parseStackCreate(body: JsonObject): StackCreate {
  const r = new BodyReader(body);
  const name = checkName(r.requireString('name'), 'name');
  const services = r.optList('services', (v, where) => {
    if (!isObject(v)) throw badRequest(`Invalid field '${where.slice(0, -1)}': expected an object`);
    return parseServiceCreate(v, where);
  }) ?? [];
  uniqueNames(services.map((s) => s.name));
  return { name, nickname: r.optString('nickname') ?? null, services };
}

export function parseStackUpdate(body: JsonObject): StackUpdate {
  const r = new BodyReader(body);
  const update: StackUpdate = {};
  const nickname = r.optString('nickname');
  if (nickname !== undefined) update.nickname = nickname;
  const services = r.optList('services', (v, where) => {
    if (!isObject(v)) throw badRequest(`Invalid field '${where.slice(0, -1)}': expected an object`);
    const s = parseServiceUpdate(v, where);
    const name = s.name ?? (s.image ? defaultServiceName(s.image) : undefined);
    if (!name) throw badRequest(`Missing required field '${where}name'`);
    return { ...s, name };
  });
  if (services) {
    uniqueNames(services.map((s) => s.name));
    update.services = services;
  }
  return update;
}

function uniqueNames(names: string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw badRequest(`Invalid field 'services': the name '${name}' is used twice`);
    seen.add(name);
  }
}

export function parseNodeClusterCreate(body: JsonObject): NodeClusterCreate {
  const r = new BodyReader(body);
  const options = r.body['provider_options'];
  if (options !== undefined && options !== null && !isObject(options)) {
    throw badRequest("Invalid field 'provider_options': expected an object");
  }
  return {
    name: checkName(r.requireString('name'), 'name'),
    nickname: r.optString('nickname') ?? null,
    node_type: r.requireString('node_type'),
    region: r.requireString('region'),
    disk: r.optInt('disk', 1, 16384) ?? 60,
    target_num_nodes: r.optInt('target_num_nodes', 0, 1000) ?? 1,
    tags: readTags(r) ?? [],
    provider_options: (options ?? {}) as ProviderOptions,
  };
}

export function parseNodeClusterUpdate(body: JsonObject): NodeClusterUpdate {
  const r = new BodyReader(body);
  return defined({ target_num_nodes: r.optInt('target_num_nodes', 0, 1000), tags: readTags(r), nickname: r.optString('nickname') });
}

export function parseNodeUpdate(body: JsonObject): NodeUpdate {
  const r = new BodyReader(body);
  return defined({ tags: readTags(r), nickname: r.optString('nickname') });
}

export function parseRepositoryCreate(body: JsonObject): RepositoryCreate {
  const r = new BodyReader(body);
  const name = r.requireString('name');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.:-]*(\/[a-zA-Z0-9_.-]+)+$/.test(name)) {
    throw badRequest("Invalid field 'name': expected a repository such as 'registry.example.com/team/image'");
  }
  return { name, username: r.optString('username') ?? '', password: r.optString('password') ?? '' };
}

export function parseRepositoryUpdate(body: JsonObject): RepositoryUpdate {
  const r = new BodyReader(body);
  return defined({ username: r.optString('username'), password: r.optString('password') });
}

export function parseTriggerCreate(body: JsonObject): TriggerCreate {
  const r = new BodyReader(body);
  return {
    name: r.optString('name') || 'trigger',
    operation: r.optEnum('operation', ['REDEPLOY', 'SCALEUP'] as const, (s) => s.toUpperCase()) ?? 'REDEPLOY',
  };
}
