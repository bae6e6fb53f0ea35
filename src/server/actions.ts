// The action log: every call that changes something becomes an action, with its own log. An operation on an object
// that has an action in progress on it (or on one of its parents: a container while its node upgrades) waits as
// Pending and runs when that one ends. Pending actions can be canceled; running ones while their operation can
// still stop part-way (can_be_canceled: the backend turns it off before its last step, so a cancel is either
// honoured or refused as too late, never accepted and then ignored). Finished ones can be retried, as the
// reference says ("an action in Success, Failed or Canceled state"), but only failed and canceled ones offer it
// (can_be_retried): a retry of a success does it again, it does not finish anything. Backends report progress
// through handles.
import { randomUUID } from 'node:crypto';
import { objectUri, toRfc2822, type Action, type ActionState } from '../domain/index.js';
import type { ActionHandle, LogSink, Subscription } from './backend.js';
import { badRequest, notFound } from './errors.js';

export interface ActionRequest {
  namespace: string;
  user: string;
  name: string;
  method: string;
  path: string;
  object: string;
  ip: string;
  userAgent: string;
  isUserAction: boolean;
  /** The object and its parents: an action in progress on any of them makes this one wait (Pending). */
  waitFor?: readonly string[];
}

/**
 * Runs (or runs again, on retry) the operation an action stands for. Throws (or rejects) when it may not run now
 * or the backend refused; a promise means the backend is still answering (its engine is asynchronous).
 */
export type Runner = (handle: ActionHandle) => void | Promise<void>;

interface ActionRecord {
  wire: Action;
  namespace: string;
  waitFor: readonly string[];
  logs: { text: string; time: number }[];
  listeners: Set<LogSink>;
  cancelRequested: boolean;
  /** Whether the create event went out: changes before that are folded into it. */
  published: boolean;
  runner: Runner;
  retriable: boolean;
  /** Whether the operation could stop part-way at some point of this run (a refused cancel then came too late). */
  couldStop: boolean;
}

const FINAL: readonly ActionState[] = ['Success', 'Failed', 'Canceled'];
const BUSY: readonly ActionState[] = ['In progress', 'Canceling'];
/**
 * Finished actions kept per user and namespace: one tenant's requests can only ever evict that tenant's own
 * history (a single log for all let 21,000 of bob's requests erase alice's). The whole log is bounded too.
 */
export const MAX_ACTIONS_PER_USER = 5_000;
const MAX_ACTIONS = 200_000;
const MAX_LOG_LINES = 2_000;

export type ActionPublisher = (namespace: string, action: 'create' | 'update', wire: Action) => void;

export class ActionLog {
  private readonly records = new Map<string, ActionRecord>();
  /** Actions in progress (or canceling): what pending actions wait for. */
  private readonly busy = new Set<ActionRecord>();
  private readonly pending: ActionRecord[] = [];
  /** Each user's actions in each namespace, oldest first: what trim() may evict for that user. */
  private readonly owned = new Map<string, Set<string>>();

  constructor(
    private readonly publish: ActionPublisher, private readonly now: () => number = Date.now,
    private readonly perUser = MAX_ACTIONS_PER_USER,
  ) {}

  /**
   * Records an action and runs its operation, or queues it as Pending behind an action in progress on the same
   * object or a parent. `check` says whether the operation is allowed now (it throws otherwise); it runs at once in
   * both cases, so that a refused call is refused at once. A synchronous operation's create event is published once
   * the runner returned, so that it appears once, already finished; an asynchronous one is announced In progress,
   * then awaited. Throws what the runner or the check throws, after recording the action as Failed.
   */
  async run(request: ActionRequest, runner: Runner, options: { retriable?: boolean; check?: () => void } = {}): Promise<Action> {
    const uuid = randomUUID();
    const record: ActionRecord = {
      wire: {
        resource_uri: objectUri('action', null, uuid),
        uuid,
        object: request.object,
        action: request.name,
        method: request.method,
        path: request.path,
        user: request.user,
        user_agent: request.userAgent,
        start_date: toRfc2822(this.now()),
        end_date: null,
        state: 'Pending',
        ip: request.ip,
        location: request.ip.startsWith('127.') || request.ip === '::1' ? 'Localhost' : 'Unknown',
        is_user_action: request.isUserAction,
        can_be_canceled: false,
        can_be_retried: false,
      },
      namespace: request.namespace,
      waitFor: request.waitFor ?? [request.object],
      logs: [],
      listeners: new Set(),
      cancelRequested: false,
      published: false,
      runner,
      retriable: options.retriable ?? true,
      couldStop: false,
    };
    this.records.set(uuid, record);
    this.trim(`${request.namespace}\0${request.user}`, uuid);
    let running: Promise<void> | undefined;
    try {
      options.check?.();
      if (this.blocked(record)) {
        record.wire.can_be_canceled = true;
        this.pending.push(record);
        this.appendLog(record, 'Waiting for the action in progress on this object to end');
      } else {
        running = this.start(record);
      }
    } catch (error) {
      this.fail(record, error);
      throw error;
    } finally {
      record.published = true;
      this.publish(record.namespace, 'create', record.wire);
    }
    if (running) await running;
    return record.wire;
  }

  get(uuid: string): ActionRecord | undefined {
    return this.records.get(uuid);
  }

  /** Actions in the given namespaces, oldest first. */
  list(namespaces: ReadonlySet<string>): Action[] {
    const out: Action[] = [];
    for (const record of this.records.values()) if (namespaces.has(record.namespace)) out.push(record.wire);
    return out;
  }

  namespaceOf(uuid: string): string | undefined {
    return this.records.get(uuid)?.namespace;
  }

  cancel(uuid: string): Action {
    const record = this.mustGet(uuid);
    const { state } = record.wire;
    if (state === 'Pending') {
      this.settle(record, 'Canceled', 'Canceled before it started');
    } else if (state === 'In progress' && record.wire.can_be_canceled) {
      record.cancelRequested = true;
      this.setState(record, 'Canceling');
      this.appendLog(record, 'Cancel requested; stopping at the next step');
    } else {
      throw badRequest(this.whyNoCancel(record));
    }
    return record.wire;
  }

  private whyNoCancel(record: ActionRecord): string {
    const { uuid, state } = record.wire;
    if (FINAL.includes(state)) return `Too late to cancel action ${uuid}: it had already finished (${state})`;
    if (state === 'Canceling') return `Action ${uuid} is already being canceled`;
    if (record.couldStop) return `Too late to cancel action ${uuid}: its operation is on its last step and will finish`;
    return `Action ${uuid} cannot be canceled: this operation cannot stop part-way`;
  }

  retry(uuid: string): Action {
    const record = this.mustGet(uuid);
    if (!FINAL.includes(record.wire.state) || !record.retriable) {
      throw badRequest(`Action ${uuid} cannot be retried in state ${record.wire.state}` +
        (record.retriable ? '' : ' (this kind of action cannot be retried)'));
    }
    const before = { ...record.wire };
    const logLength = record.logs.length;
    Object.assign(record.wire, { end_date: null, can_be_retried: false, start_date: toRfc2822(this.now()) });
    record.cancelRequested = false;
    record.published = false; // the retry is announced once, in the state it reached
    try {
      // A retry of an asynchronous operation goes on in the background; how it ends is the action's state.
      this.start(record)?.catch(() => {});
    } catch (error) {
      // Not allowed now (the object's state moved on): the action is left exactly as it was.
      Object.assign(record.wire, before);
      record.logs.length = logLength;
      record.published = true;
      throw error;
    }
    record.published = true;
    this.publish(record.namespace, 'update', record.wire);
    return record.wire;
  }

  /** The action's log: the last `tail` lines, then (with follow) new lines until the action ends. */
  logs(uuid: string, tail: number, follow: boolean, sink: LogSink): Subscription {
    const record = this.mustGet(uuid);
    for (const entry of record.logs.slice(-tail || record.logs.length)) {
      sink.line({ log: entry.text, streamType: 'stdout', time: entry.time });
    }
    if (!follow || FINAL.includes(record.wire.state)) {
      sink.end(follow ? `action ${record.wire.state}` : 'end of log');
      return { close() {} };
    }
    record.listeners.add(sink);
    return { close: () => record.listeners.delete(sink) };
  }

  private mustGet(uuid: string): ActionRecord {
    const record = this.records.get(uuid);
    if (!record) throw notFound(`Action ${uuid} not found`);
    return record;
  }

  private blocked(record: ActionRecord): boolean {
    for (const other of this.busy) if (record.waitFor.includes(other.wire.object)) return true;
    return false;
  }

  /**
   * In progress, and the operation runs; throws (after settling as Failed) when the operation refuses to. An
   * asynchronous operation returns its promise, which rejects (after settling as Failed) when it refuses.
   */
  private start(record: ActionRecord): Promise<void> | undefined {
    record.wire.can_be_canceled = false;
    record.couldStop = false;
    this.setState(record, 'In progress');
    let running: void | Promise<void>;
    try {
      running = record.runner(this.handle(record));
    } catch (error) {
      this.fail(record, error);
      throw error;
    }
    return running?.catch((error: unknown) => {
      this.fail(record, error);
      throw error;
    });
  }

  /** Failed with the error's message, unless the action already ended. */
  private fail(record: ActionRecord, error: unknown): void {
    if (FINAL.includes(record.wire.state)) return;
    this.settle(record, 'Failed', error instanceof Error ? error.message : String(error));
  }

  /** Starts the pending actions nothing blocks any more, oldest first. */
  private drain(): void {
    for (let i = 0; i < this.pending.length; i++) {
      const record = this.pending[i]!;
      if (record.wire.state !== 'Pending') {
        this.pending.splice(i--, 1);
      } else if (!this.blocked(record)) {
        this.pending.splice(i--, 1);
        try {
          // Recorded as Failed with the reason when it refuses (the object's state no longer allows it).
          this.start(record)?.catch(() => {});
        } catch {
          // Recorded as Failed, as above.
        }
      }
    }
  }

  private handle(record: ActionRecord): ActionHandle {
    const active = () => BUSY.includes(record.wire.state);
    return {
      uri: record.wire.resource_uri,
      log: (line) => this.appendLog(record, line),
      succeed: () => {
        if (!active()) return;
        // A backend that could not stop after all: the action says what happened, not what was asked.
        if (record.wire.state === 'Canceling') this.appendLog(record, 'The cancel came too late: the operation had already done its last step');
        this.settle(record, 'Success', 'Done');
      },
      fail: (message) => active() && this.settle(record, 'Failed', `Failed: ${message}`),
      canceled: () => active() && this.settle(record, 'Canceled', 'Canceled'),
      setCancelable: (cancelable) => {
        if (record.wire.can_be_canceled === cancelable || !active()) return;
        if (cancelable) record.couldStop = true;
        record.wire.can_be_canceled = cancelable;
        if (record.published) this.publish(record.namespace, 'update', record.wire);
      },
      get cancelRequested() {
        return record.cancelRequested;
      },
      setObject: (uri) => {
        record.wire.object = uri;
      },
    };
  }

  private settle(record: ActionRecord, state: ActionState, message: string): void {
    record.wire.end_date = toRfc2822(this.now());
    record.wire.can_be_canceled = false;
    // Offered on failures and cancels only (see the top of this file).
    record.wire.can_be_retried = record.retriable && state !== 'Success';
    this.appendLog(record, message);
    this.setState(record, state);
    for (const sink of record.listeners) sink.end(`action ${state}`);
    record.listeners.clear();
    this.drain();
  }

  /** Every state change goes through here, so that the set of actions in progress stays true. */
  private setState(record: ActionRecord, state: ActionState): void {
    if (BUSY.includes(state)) this.busy.add(record);
    else this.busy.delete(record);
    record.wire.state = state;
    if (record.published) this.publish(record.namespace, 'update', record.wire);
  }

  private appendLog(record: ActionRecord, text: string): void {
    const entry = { text, time: this.now() };
    record.logs.push(entry);
    if (record.logs.length > MAX_LOG_LINES) record.logs.shift();
    for (const sink of record.listeners) sink.line({ log: text, streamType: 'stdout', time: entry.time });
  }

  /** Keeps memory bounded: a user's oldest finished actions in a namespace go first, then the log's oldest. */
  private trim(owner: string, uuid: string): void {
    let mine = this.owned.get(owner);
    if (!mine) this.owned.set(owner, (mine = new Set()));
    mine.add(uuid);
    if (mine.size > this.perUser) {
      for (const old of mine) {
        if (mine.size <= this.perUser * 0.9) break;
        const record = this.records.get(old);
        if (!record) mine.delete(old);
        else if (FINAL.includes(record.wire.state)) {
          this.records.delete(old);
          mine.delete(old);
        }
      }
    }
    if (this.records.size <= MAX_ACTIONS) return;
    for (const [old, record] of this.records) {
      if (this.records.size <= MAX_ACTIONS * 0.9) break;
      if (FINAL.includes(record.wire.state)) this.records.delete(old);
    }
  }
}
