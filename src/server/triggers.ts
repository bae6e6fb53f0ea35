// Service triggers: URLs that redeploy or scale up a service when POSTed to, without credentials.
// Their UUIDs are random v4 (122 bits), so the call URL works as an access token.
import { randomUUID } from 'node:crypto';
import { triggerUri, type Trigger, type TriggerOperation } from '../domain/index.js';

interface TriggerRecord { trigger: Trigger; serviceUri: string; namespace: string }

export class TriggerStore {
  private readonly byUuid = new Map<string, TriggerRecord>();

  create(namespace: string, serviceUri: string, name: string, operation: TriggerOperation): Trigger {
    const uuid = randomUUID();
    const resource_uri = triggerUri(serviceUri, uuid);
    const trigger: Trigger = { resource_uri, uuid, name, operation, url: `${resource_uri}call/` };
    this.byUuid.set(uuid, { trigger, serviceUri, namespace });
    return trigger;
  }

  list(serviceUri: string): Trigger[] {
    return [...this.byUuid.values()].filter((r) => r.serviceUri === serviceUri).map((r) => r.trigger);
  }

  /** The trigger, only if it belongs to that service. */
  get(serviceUri: string, uuid: string): TriggerRecord | undefined {
    const record = this.byUuid.get(uuid);
    return record && record.serviceUri === serviceUri ? record : undefined;
  }

  /** A trigger found by its UUID alone, for calls, which may use a path with or without the namespace. */
  find(uuid: string): TriggerRecord | undefined {
    return this.byUuid.get(uuid);
  }

  delete(uuid: string): boolean {
    return this.byUuid.delete(uuid);
  }

  /** Forgets the triggers of a service that went away. */
  deleteForService(serviceUri: string): void {
    for (const [uuid, record] of this.byUuid) if (record.serviceUri === serviceUri) this.byUuid.delete(uuid);
  }
}
