// The simulated cloud's objects, per namespace and kind, in creation order; and the one place changes are announced.
import type {
  Container, KindName, Node, NodeCluster, Repository, Service, Stack, WireObject,
} from '../../domain/index.js';
import type { Change } from '../backend.js';

type Listener = (change: Change) => void;

export class World {
  private readonly byUri = new Map<string, WireObject>();
  private readonly namespaceOfUri = new Map<string, string>();
  private readonly kindOfUri = new Map<string, KindName>();
  private readonly collections = new Map<string, Map<string, WireObject>>();
  /** Arrays handed to list(), rebuilt only after the collection changed (lists are read far more than written). */
  private readonly listCache = new Map<string, WireObject[]>();
  private readonly listeners = new Set<Listener>();
  /** Bumped on every change of an object: lets the server reuse an object's serialization. */
  private readonly versions = new WeakMap<object, number>();
  /**
   * Every change fires an event. Changes that are not state changes (counters, lists of children, link
   * variables) are announced once per object at the end of the turn, unless the object was announced in it.
   */
  private readonly touchedThisTurn = new Set<string>();
  private readonly announcedThisTurn = new Set<string>();
  private flushScheduled = false;
  /** Counts every announced change, for the churn's rate and for tests. */
  changes = 0;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add<T extends object>(namespace: string, kind: KindName, object: T, announce = true): T {
    const wire = object as unknown as WireObject;
    this.byUri.set(wire.resource_uri, wire);
    this.namespaceOfUri.set(wire.resource_uri, namespace);
    this.kindOfUri.set(wire.resource_uri, kind);
    const key = `${namespace}\0${kind}`;
    let collection = this.collections.get(key);
    if (!collection) this.collections.set(key, (collection = new Map()));
    collection.set(wire.resource_uri, wire);
    this.listCache.delete(key);
    if (announce) this.emit(wire.resource_uri, 'create');
    return object;
  }

  /** Forgets an object for good (terminated objects leave after a while). */
  remove(uri: string): void {
    const object = this.byUri.get(uri);
    const namespace = this.namespaceOfUri.get(uri);
    const kind = this.kindOfUri.get(uri);
    if (!object || namespace === undefined || !kind) return;
    this.emit(uri, 'delete');
    const key = `${namespace}\0${kind}`;
    this.collections.get(key)?.delete(uri);
    this.listCache.delete(key);
    this.byUri.delete(uri);
    this.namespaceOfUri.delete(uri);
    this.kindOfUri.delete(uri);
  }

  get(uri: string | null | undefined): WireObject | undefined {
    return uri ? this.byUri.get(uri) : undefined;
  }

  list(kind: KindName, namespace: string): readonly WireObject[] {
    const key = `${namespace}\0${kind}`;
    let cached = this.listCache.get(key);
    if (!cached) {
      cached = [...(this.collections.get(key)?.values() ?? [])];
      this.listCache.set(key, cached);
    }
    return cached;
  }

  namespaceOf(uri: string): string | undefined {
    return this.namespaceOfUri.get(uri);
  }

  namespaces(): string[] {
    return [...new Set(this.namespaceOfUri.values())];
  }

  /** Records a change that is not a state change (counters, lists of children, link variables). */
  touch(object: { resource_uri: string } | undefined): void {
    if (!object) return;
    this.versions.set(object, (this.versions.get(object) ?? 0) + 1);
    if (this.announcedThisTurn.has(object.resource_uri)) return;
    this.touchedThisTurn.add(object.resource_uri);
    this.scheduleFlush();
  }

  /**
   * Records a change no subscriber acts on (a node agent's `last_seen`): GET shows it, no event says it. An idle
   * fleet is then silent on the event stream, as a Docker engine's is.
   */
  refresh(object: { resource_uri: string }): void {
    this.versions.set(object, (this.versions.get(object) ?? 0) + 1);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const touched = [...this.touchedThisTurn];
      this.touchedThisTurn.clear();
      for (const uri of touched) this.emit(uri);
      // The next turn starts with nothing announced: its changes get events of their own, even to objects announced
      // just now (whose events may already be on their way, with the object as it was).
      this.announcedThisTurn.clear();
    });
  }

  version(object: object): number {
    return this.versions.get(object) ?? 0;
  }

  /** Announces that an object changed (its state, or its configuration). */
  emit(uri: string, action: Change['action'] = 'update'): void {
    const object = this.byUri.get(uri);
    const namespace = this.namespaceOfUri.get(uri);
    const kind = this.kindOfUri.get(uri);
    if (!object || namespace === undefined || !kind) return;
    this.versions.set(object, (this.versions.get(object) ?? 0) + 1);
    this.touchedThisTurn.delete(uri);
    this.announcedThisTurn.add(uri);
    this.scheduleFlush();
    this.changes++;
    for (const listener of this.listeners) listener({ namespace, kind, action, object });
  }

  /** Sets an object's state and announces it, if it changed. */
  setState(object: { resource_uri: string; state: string }, state: string): void {
    if (object.state === state) return;
    object.state = state;
    this.emit(object.resource_uri);
  }

  // Typed lookups.
  container(uri: string | null | undefined): Container | undefined {
    return this.get(uri) as Container | undefined;
  }
  service(uri: string | null | undefined): Service | undefined {
    return this.get(uri) as Service | undefined;
  }
  stack(uri: string | null | undefined): Stack | undefined {
    return this.get(uri) as Stack | undefined;
  }
  node(uri: string | null | undefined): Node | undefined {
    return this.get(uri) as Node | undefined;
  }
  cluster(uri: string | null | undefined): NodeCluster | undefined {
    return this.get(uri) as NodeCluster | undefined;
  }
  repository(uri: string | null | undefined): Repository | undefined {
    return this.get(uri) as Repository | undefined;
  }
  nodes(namespace: string): Node[] {
    return this.list('node', namespace) as unknown as Node[];
  }
  services(namespace: string): Service[] {
    return this.list('service', namespace) as unknown as Service[];
  }
  containers(namespace: string): Container[] {
    return this.list('container', namespace) as unknown as Container[];
  }
}
