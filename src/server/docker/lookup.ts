// From a Docker Cloud object back to the engine's: which container, task or swarm service a UUID stands for.
import { missing } from '../backend-errors.js';
import { uuidFor } from './ids.js';
import { engineGroups, type EngineGroup } from './project.js';
import { LABEL, type EngineContainer, type RawState, type SwarmService, type SwarmTask } from './raw.js';

export function containerByUuid(raw: RawState, uuid: string): EngineContainer {
  for (const c of raw.containers.values()) if (uuidFor('container', c.Id) === uuid) return c;
  throw missing(`container ${uuid} not found on the engine`);
}

export function isTask(raw: RawState, uuid: string): boolean {
  for (const t of raw.tasks.values()) if (uuidFor('container', t.ID) === uuid) return true;
  return false;
}

export function isSwarmService(raw: RawState, uuid: string): boolean {
  for (const s of raw.services.values()) if (uuidFor('service', s.ID) === uuid) return true;
  return false;
}

export function isSwarmStack(raw: RawState, uuid: string): boolean {
  for (const s of raw.services.values()) {
    const name = s.Spec.Labels?.[LABEL.stackNamespace];
    if (name && uuidFor('stack', name) === uuid) return true;
  }
  return false;
}

export function taskByUuid(raw: RawState, uuid: string): SwarmTask {
  for (const t of raw.tasks.values()) if (uuidFor('container', t.ID) === uuid) return t;
  throw missing(`container ${uuid} not found in the swarm`);
}

export function swarmServiceByUuid(raw: RawState, uuid: string): SwarmService {
  for (const s of raw.services.values()) if (uuidFor('service', s.ID) === uuid) return s;
  throw missing(`service ${uuid} not found in the swarm`);
}

export function engineGroupByUuid(raw: RawState, uuid: string): EngineGroup {
  const group = engineGroups(raw).get(uuid);
  if (!group) throw missing(`service ${uuid} not found on the engine`);
  return group;
}

/** The services (plain groups or swarm services) of a stack, by the stack's name. */
export function stackName(raw: RawState, uuid: string, swarm: boolean): string {
  const names = swarm
    ? [...raw.services.values()].map((s) => s.Spec.Labels?.[LABEL.stackNamespace]).filter((n): n is string => !!n)
    : [...engineGroups(raw).values()].map((g) => g.stack).filter((n): n is string => !!n);
  const name = names.find((n) => uuidFor('stack', n) === uuid);
  if (!name) throw missing(`stack ${uuid} not found`);
  return name;
}
