// The events hub: turns backend changes and action changes into Stream API events and fans them out to the
// subscribers of the namespaces they belong to, each with its own filters. Each event is serialized once.
//
// A dctop extension, for subscribers that ask for it (?dctop_objects=true): each event (but a delete) also carries
// the object's body as a GET would return it, under `dctop_object`, so that a client can apply it without fetching;
// with ?dctop_objects=summary, the object without its details (see summaryOf: a quarter of the bytes).
// Others get the reference's frames (a body is a kilobyte or more: a hundred subscribers would pay for it).
// Events go out at the end of the turn that made them, in order, each with its object as it is then: a state set
// and a field changed in the same turn travel together.
import { randomUUID } from 'node:crypto';
import { KINDS, summaryOf, toIso8601, type CloudEvent, type EventType, type KindName, type WireObject } from '../domain/index.js';

export interface EventFilter {
  types?: ReadonlySet<string>;
  object?: string;
  /** Matches when any of these is among the event's parents. */
  parents?: ReadonlySet<string>;
}

export interface EventSubscriber {
  namespace: string;
  /** It asked for the extension: events with their object, whole or its summary. */
  objects?: ObjectsAsked;
  filter: EventFilter;
  send(text: string): void;
}

export type Resolve = (uri: string) => WireObject | undefined;

/** The name of the extension field: the object of the event, as GET returns it. */
export const EVENT_OBJECT_FIELD = 'dctop_object';
/** The query parameter a subscriber asks for it with. */
export const EVENT_OBJECTS_PARAM = 'dctop_objects';

export type ObjectsAsked = 'whole' | 'summary';
/** What a value of EVENT_OBJECTS_PARAM asks for: "true" the whole objects, "summary" their summaries. */
export const objectsAsked = (value: string | null): ObjectsAsked | undefined =>
  value === 'true' ? 'whole' : value === 'summary' ? 'summary' : undefined;

interface Pending { subscribers: Set<EventSubscriber>; event: CloudEvent; object: WireObject | null; kind: KindName }

export class EventsHub {
  private readonly byNamespace = new Map<string, Set<EventSubscriber>>();
  /** Events published since start, for benchmarks and health. */
  published = 0;

  private pending: Pending[] = [];

  /**
   * `json`: an object's body as GET answers it, or its summary's (a cache of serializations); `withObjects`: the
   * extension on.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly json: (object: WireObject, summaryOf?: KindName) => string = (o, kind) => JSON.stringify(kind ? summaryOf(kind, o) : o),
    private readonly withObjects = true,
  ) {}

  subscribe(subscriber: EventSubscriber): () => void {
    let set = this.byNamespace.get(subscriber.namespace);
    if (!set) this.byNamespace.set(subscriber.namespace, (set = new Set()));
    set.add(subscriber);
    return () => set!.delete(subscriber);
  }

  subscriberCount(): number {
    let n = 0;
    for (const set of this.byNamespace.values()) n += set.size;
    return n;
  }

  /** Publishes a change of an evented kind; other kinds (catalogue, triggers, repositories) have no events. */
  publish(namespace: string, kind: KindName, action: CloudEvent['action'], object: WireObject, resolve: Resolve): void {
    const spec = KINDS[kind];
    if (!spec.evented) return;
    this.published++;
    const subscribers = this.byNamespace.get(namespace);
    if (!subscribers || subscribers.size === 0) return;
    const event: CloudEvent = {
      type: kind as EventType,
      action,
      parents: parentsOf(kind, object, resolve),
      resource_uri: object.resource_uri,
      state: String(object['state'] ?? ''),
      uuid: randomUUID(),
      datetime: toIso8601(this.now()),
    };
    if (this.pending.length === 0) setImmediate(() => this.flush());
    this.pending.push({ subscribers, event, object: action === 'delete' || !this.withObjects ? null : object, kind });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (const { subscribers, event, object, kind } of pending) {
      let plain: string | undefined;
      const withObject: Partial<Record<ObjectsAsked, string>> = {};
      for (const subscriber of subscribers) {
        if (!matches(subscriber.filter, event)) continue;
        plain ??= JSON.stringify(event);
        const asked = subscriber.objects;
        if (asked && object) subscriber.send((withObject[asked] ??= `${plain.slice(0, -1)},"${EVENT_OBJECT_FIELD}":${this.body(kind, object, asked)}}`));
        else subscriber.send(plain);
      }
    }
  }

  private body(kind: KindName, object: WireObject, asked: ObjectsAsked): string {
    // Actions are not versioned objects of the backend: serialized as they are (the cache would not see changes).
    if (kind === 'action') return JSON.stringify(object);
    return this.json(object, asked === 'summary' ? kind : undefined);
  }
}

/** The event's parents, by the reference's hierarchy table, following URI fields (see KindSpec.parents). */
export function parentsOf(kind: KindName, object: WireObject, resolve: Resolve): string[] {
  const parents: string[] = [];
  for (const path of KINDS[kind].parents) {
    let current: WireObject | undefined = object;
    let uri: string | undefined;
    for (const field of path) {
      const value: unknown = current?.[field];
      uri = typeof value === 'string' && value !== '' ? value : undefined;
      current = uri ? resolve(uri) : undefined;
      if (!uri) break;
    }
    if (uri) parents.push(uri);
  }
  return parents;
}

function matches(filter: EventFilter, event: CloudEvent): boolean {
  if (filter.types && !filter.types.has(event.type)) return false;
  if (filter.object && filter.object !== event.resource_uri) return false;
  if (filter.parents && !event.parents.some((p) => filter.parents!.has(p))) return false;
  return true;
}
