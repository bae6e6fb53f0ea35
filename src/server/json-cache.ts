// Reuses each object's JSON (and its summary's, for clients that ask for summaries) while its backend version is
// unchanged: list pages are then mostly string joins.
import { summaryOf, type KindName, type ListPage, type WireObject } from '../domain/index.js';

type Entries = WeakMap<object, { version: number; json: string }>;

export class JsonCache {
  private readonly entries: Entries = new WeakMap();
  private readonly summaries: Entries = new WeakMap();

  constructor(private readonly versionOf?: (object: WireObject) => number) {}

  object(object: WireObject): string {
    return this.cached(this.entries, object, () => JSON.stringify(object));
  }

  /** The JSON of the object's summary (without its kind's details). */
  summary(kind: KindName, object: WireObject): string {
    return this.cached(this.summaries, object, () => JSON.stringify(summaryOf(kind, object)));
  }

  /** A list page, of whole objects or (`summariesOf` their kind) of summaries. */
  page(page: ListPage<WireObject>, summariesOf?: KindName): string {
    const json = summariesOf ? (o: WireObject) => this.summary(summariesOf, o) : (o: WireObject) => this.object(o);
    return `{"meta":${JSON.stringify(page.meta)},"objects":[${page.objects.map(json).join(',')}]}`;
  }

  private cached(entries: Entries, object: WireObject, serialize: () => string): string {
    if (!this.versionOf) return serialize();
    const version = this.versionOf(object);
    const cached = entries.get(object);
    if (cached && cached.version === version) return cached.json;
    const json = serialize();
    entries.set(object, { version, json });
    return json;
  }

  /** Whether the cache would answer something else than the object's JSON now (a change the backend missed). */
  isStale(object: WireObject): boolean {
    const cached = this.entries.get(object);
    return !!cached && !!this.versionOf && cached.version === this.versionOf(object) && cached.json !== JSON.stringify(object);
  }
}
