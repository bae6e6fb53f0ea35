// The interface every backend implements (sim, docker). Routes know only this; they never import a backend.
// Inputs arrive validated and normalized (see inputs.ts); a backend throws ApiError for what only it can check
// (an unknown region, a name already taken, an operation its object's state does not allow).
import type { KindName, Operation, StreamType, WireObject } from '../domain/index.js';
import type { CreateInputs, UpdateInputs } from './inputs.js';

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

  create<K extends keyof CreateInputs>(kind: K, namespace: string, input: CreateInputs[K], action: ActionHandle): WireObject;
  update<K extends keyof UpdateInputs>(
    kind: K, namespace: string, pk: readonly string[], input: UpdateInputs[K], action: ActionHandle,
  ): WireObject;
  /** DELETE: terminate (or remove) the object; returns it in its new state. */
  terminate(kind: KindName, namespace: string, pk: readonly string[], action: ActionHandle): WireObject;
  /** A POST operation on an object (start, stop, redeploy, scale, deploy, docker-upgrade, health-check). */
  operate(
    kind: KindName, namespace: string, pk: readonly string[], op: Operation, params: OperationParams, action: ActionHandle,
  ): WireObject;
  /** The stack as a stack file (GET <stack>/export/). */
  exportStack(namespace: string, pk: readonly string[]): Record<string, unknown>;
  /** A token a user's own node (BYON) registers with. */
  createNodeToken(namespace: string): { token: string; command: string };

  containerLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Subscription;
  serviceLogs(namespace: string, uuid: string, options: LogOptions, sink: LogSink): Subscription;
  exec(namespace: string, uuid: string, command: string, sink: ExecSink): ExecSession;

  subscribe(listener: (change: Change) => void): Subscription;
  /**
   * Optional: a number that changes whenever the object changes in any way, so that the server can reuse the
   * object's serialization (listing 10,000 containers is mostly JSON). Without it, every response is serialized anew.
   */
  version?(object: WireObject): number;
  /** Stops timers and background activity. */
  close(): Promise<void>;
}

export interface OperationParams {
  /** redeploy: reuse_volumes (default true) */
  reuseVolumes?: boolean;
  /** scale by a trigger: how many containers to add */
  scaleBy?: number;
}
