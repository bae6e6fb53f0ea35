// Operations on a plain engine: containers directly; a service is its containers (a compose service, one dctop
// created, or a lone container); a stack is a compose project. Each step says what it does in the action's log,
// and the action succeeds only once the mirror shows the engine reached the state asked for.
import type Docker from 'dockerode';
import { objectUri, type WireObject } from '../../domain/index.js';
import type { ActionHandle } from '../backend.js';
import { invalid, missing, notAllowed } from '../backend-errors.js';
import type { ServiceSpec, StackCreate, StackUpdate } from '../backend-inputs.js';
import { engine } from './errors.js';
import { uuidFor } from './ids.js';
import { containerByUuid, engineGroupByUuid, stackName } from './lookup.js';
import { engineGroups, type EngineGroup } from './project.js';
import type { Mirror } from './mirror.js';
import { LABEL, type EngineContainer } from './raw.js';

/** How long an operation waits for the engine to reach the state it asked for. */
export const CONVERGE_MS = 60_000;
/** Seconds a container has to stop before it is killed (the docker CLI's default). */
const STOP_SECONDS = 10;

export class PlainOps {
  constructor(private readonly mirror: Mirror, private readonly docker: Docker, private readonly namespace: string) {}

  // ── containers ──────────────────────────────────────────────────────────────────────────────────

  async startContainer(uuid: string, action: ActionHandle): Promise<WireObject> {
    const c = containerByUuid(this.mirror.raw, uuid);
    action.log(`Starting ${name(c)}`);
    await engine(`starting ${name(c)}`, () => this.docker.getContainer(c.Id).start());
    return this.settleOn(action, 'container', uuid, [c.Id], (o) => o?.['state'] === 'Running', `${name(c)} did not start`);
  }

  async stopContainer(uuid: string, action: ActionHandle): Promise<WireObject> {
    const c = containerByUuid(this.mirror.raw, uuid);
    action.log(`Stopping ${name(c)} (killed after ${STOP_SECONDS} s)`);
    // Answered at once; the engine stops it in the background, and the action follows.
    void engine(`stopping ${name(c)}`, () => this.docker.getContainer(c.Id).stop({ t: STOP_SECONDS })).catch((e: Error) => action.fail(e.message));
    return this.settleOn(action, 'container', uuid, [], (o) => o?.['state'] === 'Stopped', `${name(c)} did not stop`);
  }

  /**
   * Recreates the container with the same name and configuration. Its Docker id is new, and so is its Docker Cloud
   * object (UUIDs come from Docker ids): the answer, and the action, name the new one.
   */
  async redeployContainer(uuid: string, action: ActionHandle): Promise<WireObject> {
    const c = containerByUuid(this.mirror.raw, uuid);
    const created = await this.recreate(c, action);
    const newUuid = uuidFor('container', created);
    action.setObject(this.uri('container', newUuid));
    return this.settleOn(action, 'container', newUuid, [c.Id, created], (o) => o?.['state'] === 'Running', `${name(c)} was recreated but did not start`);
  }

  async terminateContainer(uuid: string, action: ActionHandle): Promise<WireObject> {
    const c = containerByUuid(this.mirror.raw, uuid);
    action.log(`Removing ${name(c)}`);
    await engine(`removing ${name(c)}`, () => this.docker.getContainer(c.Id).remove({ force: true }));
    return this.settleOn(action, 'container', uuid, [c.Id], (o) => o?.['state'] === 'Terminated', `${name(c)} was not removed`);
  }

  // ── services ────────────────────────────────────────────────────────────────────────────────────

  async createService(spec: ServiceSpec, stack: string | null, action: ActionHandle): Promise<WireObject> {
    if (spec.deployment_strategy === 'EVERY_NODE') throw invalid("Invalid field 'deployment_strategy': a plain engine is one node; EVERY_NODE needs a swarm", 'deployment_strategy');
    const key = `service:${stack ?? ''}/${spec.name}`;
    const uuid = uuidFor('service', key);
    if (engineGroups(this.mirror.raw).has(uuid)) throw invalid(`Invalid field 'name': a service named '${spec.name}' already exists`, 'name');
    if (spec.target_num_containers === 0) {
      throw invalid("Invalid field 'target_num_containers': a plain engine's service is its containers: create at least one", 'target_num_containers');
    }
    const ids: string[] = [];
    for (let i = 1; i <= spec.target_num_containers; i++) ids.push(await this.createFromSpec(spec, stack, i, action));
    return this.settleOn(action, 'service', uuid, ids, (o) => o?.['state'] === 'Not running', `service ${spec.name} was not created`);
  }

  async startService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const group = engineGroupByUuid(this.mirror.raw, uuid);
    for (const c of group.containers.filter((c) => !c.State.Running)) {
      action.log(`Starting ${name(c)}`);
      await engine(`starting ${name(c)}`, () => this.docker.getContainer(c.Id).start());
    }
    return this.settleOn(action, 'service', uuid, group.containers.map((c) => c.Id), (o) => o?.['state'] === 'Running', `service ${group.name} did not start`);
  }

  async stopService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const group = engineGroupByUuid(this.mirror.raw, uuid);
    for (const c of group.containers.filter((c) => c.State.Running)) {
      action.log(`Stopping ${name(c)}`);
      void engine(`stopping ${name(c)}`, () => this.docker.getContainer(c.Id).stop({ t: STOP_SECONDS })).catch((e: Error) => action.fail(e.message));
    }
    return this.settleOn(action, 'service', uuid, [], (o) => o?.['state'] === 'Stopped', `service ${group.name} did not stop`);
  }

  async redeployService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const group = engineGroupByUuid(this.mirror.raw, uuid);
    const object = this.current('service', uuid);
    void (async () => {
      for (const c of group.containers) {
        if (action.cancelRequested) return action.canceled();
        await this.recreate(c, action);
      }
      await this.mirror.refresh({});
      await this.mirror.waitUntil(() => this.current('service', uuid)['state'] === 'Running', CONVERGE_MS, () => `service ${group.name} did not come back`);
      action.succeed();
    })().catch((e: Error) => action.fail(e.message));
    action.setCancelable(true);
    return object;
  }

  async scaleService(uuid: string, target: number, action: ActionHandle): Promise<WireObject> {
    const group = engineGroupByUuid(this.mirror.raw, uuid);
    const live = group.containers;
    if (target === live.length) return this.done(action, this.current('service', uuid));
    if (target < 1) throw notAllowed(`a plain engine's service is its containers: it cannot scale to 0 (stop it, or terminate it)`);
    const ids: string[] = [];
    if (target > live.length) {
      const model = live[0]!;
      for (let i = live.length + 1; i <= target; i++) ids.push(await this.clone(model, group, i, action));
    } else {
      for (const c of live.slice(target).reverse()) {
        action.log(`Removing ${name(c)}`);
        await engine(`removing ${name(c)}`, () => this.docker.getContainer(c.Id).remove({ force: true }));
        ids.push(c.Id);
      }
    }
    return this.settleOn(action, 'service', uuid, ids, (o) => o?.['current_num_containers'] === target && o['state'] === 'Running',
      `service ${group.name} did not reach ${target} running containers`);
  }

  async terminateService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const group = engineGroupByUuid(this.mirror.raw, uuid);
    for (const c of group.containers) {
      action.log(`Removing ${name(c)}`);
      await engine(`removing ${name(c)}`, () => this.docker.getContainer(c.Id).remove({ force: true }));
    }
    return this.settleOn(action, 'service', uuid, group.containers.map((c) => c.Id), (o) => o?.['state'] === 'Terminated', `service ${group.name} was not removed`);
  }

  // ── stacks (compose projects) ───────────────────────────────────────────────────────────────────

  async createStack(input: StackCreate, action: ActionHandle): Promise<WireObject> {
    const uuid = uuidFor('stack', input.name);
    if (this.mirror.get(this.uri('stack', uuid))?.['state'] !== undefined && this.current('stack', uuid)['state'] !== 'Terminated') {
      throw invalid(`Invalid field 'name': a stack named '${input.name}' already exists`, 'name');
    }
    const ids: string[] = [];
    for (const spec of input.services) {
      for (let i = 1; i <= Math.max(1, spec.target_num_containers); i++) ids.push(await this.createFromSpec(spec, input.name, i, action));
    }
    return this.settleOn(action, 'stack', uuid, ids, (o) => (o?.['services'] as string[] | undefined)?.length === input.services.length, `stack ${input.name} was not created`);
  }

  async updateStack(uuid: string, input: StackUpdate, action: ActionHandle): Promise<WireObject> {
    const stack = stackName(this.mirror.raw, uuid, false);
    const groups = [...engineGroups(this.mirror.raw).entries()].filter(([, g]) => g.stack === stack);
    const ids: string[] = [];
    for (const spec of input.services ?? []) {
      const existing = groups.find(([, g]) => g.name === spec.name);
      if (existing && spec.target_num_containers !== undefined && spec.target_num_containers !== existing[1].containers.length) {
        await this.scaleService(existing[0], spec.target_num_containers, quiet(action));
      } else if (!existing) {
        if (!spec.image) throw invalid(`Invalid field 'services': the new service '${spec.name}' needs an image`, 'services');
        for (let i = 1; i <= Math.max(1, spec.target_num_containers ?? 1); i++) ids.push(await this.createFromSpec(spec as ServiceSpec, stack, i, action));
      }
    }
    return this.settleOn(action, 'stack', uuid, ids, (o) => o !== undefined && o['state'] !== 'Terminated', `stack ${stack} was not updated`);
  }

  async stackEach(uuid: string, what: 'start' | 'stop' | 'redeploy' | 'terminate', action: ActionHandle): Promise<WireObject> {
    const stack = stackName(this.mirror.raw, uuid, false);
    const services = [...engineGroups(this.mirror.raw).entries()].filter(([, g]) => g.stack === stack).map(([id]) => id);
    const step = quiet(action);
    for (const id of services) {
      if (what === 'start') await this.startService(id, step);
      else if (what === 'stop') await this.stopService(id, step);
      else if (what === 'redeploy') await this.redeployService(id, step);
      else await this.terminateService(id, step);
    }
    const want = { start: 'Running', stop: 'Stopped', redeploy: 'Running', terminate: 'Terminated' }[what];
    return this.settleOn(action, 'stack', uuid, [], (o) => o?.['state'] === want, `stack ${stack} did not reach ${want}`);
  }

  // ── steps ───────────────────────────────────────────────────────────────────────────────────────

  private async createFromSpec(spec: ServiceSpec, stack: string | null, index: number, action: ActionHandle): Promise<string> {
    const containerName = stack ? `${stack}-${spec.name}-${index}` : `${spec.name}-${index}`;
    const labels: Record<string, string> = { ...spec.labels, [LABEL.service]: spec.name };
    if (stack) Object.assign(labels, { [LABEL.composeProject]: stack, [LABEL.composeService]: spec.name });
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostPort: string }>> = {};
    for (const p of spec.container_ports) {
      const key = `${p.inner_port}/${p.protocol}`;
      exposed[key] = {};
      if (p.published) bindings[key] = [{ HostPort: p.outer_port !== null && index === 1 ? String(p.outer_port) : '' }];
    }
    const restart = { OFF: 'no', ON_FAILURE: 'on-failure', ALWAYS: 'always' }[spec.autorestart];
    action.log(`Creating ${containerName} from ${spec.image}`);
    const created = await engine(`creating ${containerName}`, () => this.docker.createContainer({
      name: containerName, Image: spec.image, Env: spec.container_envvars.map((e) => `${e.key}=${e.value}`), Labels: labels,
      ...(spec.run_command ? { Cmd: ['sh', '-c', spec.run_command] } : {}),
      ...(spec.entrypoint ? { Entrypoint: spec.entrypoint.split(/\s+/) } : {}),
      ...(spec.working_dir && spec.working_dir !== '/' ? { WorkingDir: spec.working_dir } : {}),
      ExposedPorts: exposed, Tty: spec.tty, OpenStdin: spec.stdin_open,
      HostConfig: { Init: true, PortBindings: bindings, RestartPolicy: { Name: restart }, AutoRemove: false, ...(spec.memory ? { Memory: spec.memory * 2 ** 20 } : {}) },
    }));
    return created.id; // created, not started: the API's services start when asked (POST start)
  }

  /** A copy of a service's container for scaling up: the same configuration, its own name, no fixed host ports. */
  private async clone(model: EngineContainer, group: EngineGroup, index: number, action: ActionHandle): Promise<string> {
    const base = model.Name.replace(/^\//, '').replace(/-\d+$/, '');
    let containerName = `${base}-${index}`;
    while ([...this.mirror.raw.containers.values()].some((c) => c.Name === `/${containerName}`)) containerName = `${base}-${++index}`;
    const full = await engine('reading the model container', () => this.docker.getContainer(model.Id).inspect());
    const hostConfig = { ...full.HostConfig, PortBindings: Object.fromEntries(Object.keys(full.HostConfig.PortBindings ?? {}).map((k) => [k, [{ HostPort: '' }]])) };
    action.log(`Creating ${containerName} like ${name(model)} (service ${group.name})`);
    const created = await engine(`creating ${containerName}`, () => this.docker.createContainer({ ...full.Config, name: containerName, HostConfig: hostConfig }));
    await engine(`starting ${containerName}`, () => created.start());
    return created.id;
  }

  /** The same container made again: renamed aside, a new one with its name and configuration, the old one removed. */
  private async recreate(c: EngineContainer, action: ActionHandle): Promise<string> {
    const full = await engine(`reading ${name(c)}`, () => this.docker.getContainer(c.Id).inspect());
    const containerName = name(c);
    const aside = `${containerName}-old-${c.Id.slice(0, 6)}`;
    action.log(`Recreating ${containerName}`);
    await engine(`renaming ${containerName}`, () => this.docker.getContainer(c.Id).rename({ name: aside }));
    await engine(`stopping ${containerName}`, () => this.docker.getContainer(c.Id).stop({ t: STOP_SECONDS }));
    try {
      const created = await engine(`creating ${containerName}`, () => this.docker.createContainer({ ...full.Config, name: containerName, HostConfig: full.HostConfig }));
      await engine(`starting ${containerName}`, () => created.start());
      await engine(`removing the old ${containerName}`, () => this.docker.getContainer(c.Id).remove({ force: true }));
      return created.id;
    } catch (error) {
      // Put the old one back as it was, so that a failed redeploy loses nothing.
      await this.docker.getContainer(c.Id).rename({ name: containerName }).catch(() => {});
      await this.docker.getContainer(c.Id).start().catch(() => {});
      throw error;
    }
  }

  private uri(kind: 'container' | 'service' | 'stack', uuid: string): string {
    return objectUri(kind, this.namespace, uuid);
  }

  private current(kind: 'container' | 'service' | 'stack', uuid: string): WireObject {
    const object = this.mirror.get(this.uri(kind, uuid));
    if (!object) throw missing(`${kind} ${uuid} not found`);
    return object;
  }

  private done(action: ActionHandle, object: WireObject): WireObject {
    action.succeed();
    return object;
  }

  /**
   * Reads the changed containers again, answers with the object as it is now, and settles the action once the
   * mirror shows `reached` (or fails it, saying what did not happen, after CONVERGE_MS).
   */
  private async settleOn(action: ActionHandle, kind: 'container' | 'service' | 'stack', uuid: string, changed: string[],
    reached: (object: WireObject | undefined) => boolean, failure: string): Promise<WireObject> {
    await this.mirror.refresh({ containers: changed });
    const uri = this.uri(kind, uuid);
    const object = this.mirror.get(uri);
    this.mirror.waitUntil(() => reached(this.mirror.get(uri)), CONVERGE_MS, () => `${failure} within ${CONVERGE_MS / 1000} s`)
      .then(() => action.succeed(), (e: Error) => action.fail(e.message));
    if (!object) throw missing(`${kind} ${uuid} not found after the change`);
    return object;
  }
}

/** A handle for one step of a larger operation: its log lines go to the action, its outcome does not settle it. */
export function quiet(action: ActionHandle): ActionHandle {
  return {
    uri: action.uri, log: (line) => action.log(line), succeed() {}, fail: (m) => action.log(`Failed: ${m}`), canceled() {}, setCancelable() {},
    get cancelRequested() { return action.cancelRequested; }, setObject() {},
  };
}

function name(c: EngineContainer): string {
  return c.Name.replace(/^\//, '');
}
