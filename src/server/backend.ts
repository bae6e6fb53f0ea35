// The contract every backend implements (sim, docker). Routes know only this; they never import a backend.
// Inputs arrive validated and normalized (backend-inputs.ts). A backend throws BackendError (backend-errors.ts) for
// what only it can check (an unknown region, a name already taken, a state that does not allow the operation).
// Reads are synchronous: a backend serves them from memory (the sim's world, the docker backend's mirror of the
// engine). Changes may be asynchronous: a backend may await its engine before it answers.
import type { KindName, StreamType, WireObject } from '../domain/index.js';
import type { CreateInputs, UpdateInputs } from './backend-inputs.js';

/** A value now, or once the backend's engine answered. */
export type Outcome<T> = T | Promise<T>;

/** The POST operations on objects (`/start/`, `/stop/`, …). */
export type PostOperation = 'start' | 'stop' | 'redeploy' | 'scale' | 'deploy' | 'docker-upgrade' | 'health-check';
export const POST_OPERATIONS: readonly PostOperation[] = ['start', 'stop', 'redeploy', 'scale', 'deploy', 'docker-upgrade', 'health-check'];

/** What a request can ask of a kind: create (POST on the list), update (PATCH), terminate (DELETE), an operation. */
export type Verb = 'create' | 'update' | 'terminate' | PostOperation;

type CreateInput<K extends KindName> = K extends keyof CreateInputs ? CreateInputs[K] : never;
type UpdateInput<K extends KindName> = K extends keyof UpdateInputs ? UpdateInputs[K] : never;

/**
 * What a backend does with one kind. Each returns the object in its new state (for create: the new object) and
 * settles the action when the change is complete (at once, or later: the action stays In progress meanwhile).
 */
export interface KindHandlers<K extends KindName = KindName> {
  create?(namespace: string, input: CreateInput<K>, action: ActionHandle): Outcome<WireObject>;
  update?(namespace: string, pk: readonly string[], input: UpdateInput<K>, action: ActionHandle): Outcome<WireObject>;
  terminate?(namespace: string, pk: readonly string[], action: ActionHandle): Outcome<WireObject>;
  operations?: Partial<Record<PostOperation, (namespace: string, pk: readonly string[], params: OperationParams, action: ActionHandle) => Outcome<WireObject>>>;
}

/** The handlers of every kind a backend changes: the routes derive their method tables from it. */
export type HandlerRegistry = { [K in KindName]?: KindHandlers<K> };

/** What the API offers that a backend cannot do, and why, in a sentence a user reads (kind → verb → reason). */
export type Unsupported = { [K in KindName]?: Partial<Record<Verb, string>> } & { token?: string };

/** A change a backend reports; the events hub turns it into a Stream API event. */
export interface Change {
  namespace: string;
  kind: KindName;
  action: 'create' | 'update' | 'delete';
  object: WireObject;
}

/**
 * An operation's action, owned by the server's action log and handed to the backend, which reports progress on it.
 * An operation that calls `succeed` or `fail` before returning is synchronous (200/201); otherwise it is 202 and
 * the action stays In progress until the backend settles it.
 */
export interface ActionHandle {
  readonly uri: string;
  log(line: string): void;
  succeed(): void;
  fail(message: string): void;
  /** Whether this operation can stop part-way; the backend says so when it starts a multi-step operation. */
  setCancelable(cancelable: boolean): void;
  /** Set once the user asked to cancel: the backend stops at its next step and calls `canceled()`. */
  readonly cancelRequested: boolean;
  canceled(): void;
  /** The object of the action, when it is only known after the backend created it. */
  setObject(uri: string): void;
}

export interface LogOptions { tail: number; follow: boolean }

export interface LogLine {
  log: string;
  streamType: StreamType;
  /** milliseconds since the epoch */
  time: number;
  /** the container's name, for service logs */
  source?: string;
}

export interface LogSink {
  line(line: LogLine): void;
  /** The stream ended on the backend's side (the object went away, follow was false …). */
  end(reason: string): void;
}

export interface ExecSink {
  output(text: string, stream: StreamType): void;
  exit(code: number): void;
}

export interface ExecSession {
  input(text: string): void;
  close(): void;
}

export interface Subscription { close(): void }

export interface Backend {
  readonly name: string;
  /** Every object of a kind in a namespace (null for kinds without one), oldest first. Callers must not mutate them. */
  list(kind: KindName, namespace: string | null): readonly WireObject[];
  get(kind: KindName, namespace: string | null, pk: readonly string[]): WireObject | undefined;
  /** Looks an object up by its resource URI, in any namespace. */
  getByUri(uri: string): WireObject | undefined;

  /** Create, update, terminate and the operations, per kind. */
  readonly handlers: HandlerRegistry;
  /** What this backend cannot do of what the API has: those requests are refused with the reason, no action run. */
  readonly unsupported: Unsupported;

  /** The stack as a stack file (GET <stack>/export/). */
  exportStack(namespace: string, pk: readonly string[]): Outcome<Record<string, unknown>>;
  /** A token a user's own node (BYON) registers with; absent when `unsupported.token` says why. */
  createNodeToken?(namespace: string): Outcome<{ token: string; command: string }>;

  containerLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Outcome<Subscription>;
  serviceLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Outcome<Subscription>;
  exec(namespace: string, uuid: string, command: string, sink: ExecSink, options: ExecOptions): Outcome<ExecSession>;

  subscribe(listener: (change: Change) => void): Subscription;
  /**
   * Optional: a number that changes whenever the object changes in any way, so that the server can reuse the
   * object's serialization (listing 10,000 containers is mostly JSON). Without it, every response is serialized anew.
   */
  version?(object: WireObject): number;
  /** Optional: live resource metrics of containers (dctop's extension). Without it, every URI is unavailable. */
  readonly metrics?: MetricsSource;
  /** Stops timers and background activity. */
  close(): Promise<void>;
}

/**
 * One running container's usage, as a backend measures it. Rates are per second; any number is null while not yet
 * known (a rate or a CPU share before a second sample). Services and nodes are summed by the server, not here.
 */
export interface ContainerSample {
  /** Percent of one core (200: two cores busy). */
  cpuPercent: number | null;
  /** The container's CPU limit in cores; null when unlimited. */
  cpuLimitCores: number | null;
  memoryBytes: number | null;
  /** Null when unlimited. */
  memoryLimitBytes: number | null;
  netRxBps: number | null;
  netTxBps: number | null;
  blockReadBps: number | null;
  blockWriteBps: number | null;
}

/** Why there is no sample of a container (its node's engine is not reachable, it is not running …). */
export interface SampleUnavailable { unavailable: string }

export interface MetricsSource {
  /**
   * Samples of the given containers of a namespace (UUIDs; the server asks only for running containers someone
   * subscribed to, once per tick however many subscribers share them). Every UUID asked for is in the answer.
   */
  sampleContainers(namespace: string, uuids: readonly string[]): Promise<Map<string, ContainerSample | SampleUnavailable>>;
}

export interface ExecOptions {
  /** The client asked for an interactive terminal (a tty). */
  tty: boolean;
}

export interface OperationParams {
  /** redeploy: reuse_volumes (default true) */
  reuseVolumes?: boolean;
  /** scale by a trigger: how many containers to add */
  scaleBy?: number;
}
