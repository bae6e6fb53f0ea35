// Reuses each object's JSON while its backend version is unchanged: list pages are then mostly string joins.
import type { ListPage, WireObject } from '../domain/index.js';

export class JsonCache {
  private readonly entries = new WeakMap<object, { version: number; json: string }>();

  constructor(private readonly versionOf?: (object: WireObject) => number) {}

  object(object: WireObject): string {
    if (!this.versionOf) return JSON.stringify(object);
    const version = this.versionOf(object);
    const cached = this.entries.get(object);
    if (cached && cached.version === version) return cached.json;
    const json = JSON.stringify(object);
    this.entries.set(object, { version, json });
    return json;
  }

  page(page: ListPage<WireObject>): string {
    return `{"meta":${JSON.stringify(page.meta)},"objects":[${page.objects.map((o) => this.object(o)).join(',')}]}`;
  }

  /** Whether the cache would answer something else than the object's JSON now (a change the backend missed). */
  isStale(object: WireObject): boolean {
    const cached = this.entries.get(object);
    return !!cached && !!this.versionOf && cached.version === this.versionOf(object) && cached.json !== JSON.stringify(object);
  }
}
