// Operations on a swarm, through its manager: services (create, start, stop, scale, redeploy, terminate, update),
// stacks (services labelled com.docker.stack.namespace, as `docker stack deploy` does), a task's container (stop
// or remove it: the swarm replaces it), a node's health. An action succeeds once the service converged.
import type Docker from 'dockerode';
import { objectUri, type WireObject } from '../../domain/index.js';
import type { ActionHandle } from '../backend.js';
import { conflict, invalid, missing, notAllowed, unsupported } from '../backend-errors.js';
import type { ServiceSpec, ServiceUpdate, StackCreate, StackUpdate } from '../backend-inputs.js';
import { engine } from './errors.js';
import { uuidFor } from './ids.js';
import { stackName, swarmServiceByUuid, taskByUuid } from './lookup.js';
import type { Mirror } from './mirror.js';
import { CONVERGE_MS, quiet } from './plain-ops.js';
import { LABEL, type SwarmService } from './raw.js';

type Spec = SwarmService['Spec'];

export class SwarmOps {
  constructor(private readonly mirror: Mirror, private readonly namespace: string, private readonly engineOf: (nodeId: string) => Docker | undefined) {}

  private get docker(): Docker {
    return this.mirror.docker;
  }

  // ── services ────────────────────────────────────────────────────────────────────────────────────

  async createService(spec: ServiceSpec, stack: string | null, action: ActionHandle): Promise<WireObject> {
    const name = stack ? `${stack}_${spec.name}` : spec.name;
    if ([...this.mirror.raw.services.values()].some((s) => s.Spec.Name === name)) {
      throw conflict(`A service named '${name}' already exists in the swarm`);
    }
    action.log(`Creating service ${name} from ${spec.image} (${spec.deployment_strategy === 'EVERY_NODE' ? 'one task per node' : `${spec.target_num_containers} replicas`})`);
    const created = await engine(`creating service ${name}`, () => this.docker.createService(toSwarmSpec(spec, name, stack) as never)) as { id?: string; ID?: string };
    const id = created.id ?? created.ID ?? '';
    await this.mirror.refresh({ services: [id], tasksOf: [id] });
    const uri = objectUri('service', this.namespace, uuidFor('service', id));
    return this.converge(id, action, `service ${name} was not created`, () => ['Not running', 'Running'].includes(String(this.mirror.get(uri)?.['state'])));
  }

  async updateService(uuid: string, input: ServiceUpdate, action: ActionHandle): Promise<WireObject> {
    const s = swarmServiceByUuid(this.mirror.raw, uuid);
    const spec = structuredClone(s.Spec);
    const container = spec.TaskTemplate.ContainerSpec;
    if (input.name !== undefined && input.name !== s.Spec.Name) throw invalid("Invalid field 'name': a swarm service cannot be renamed", 'name');
    if (input.target_num_containers !== undefined && !s.Spec.Mode.Replicated) {
      throw notAllowed(`service ${s.Spec.Name} runs one task per node (EVERY_NODE): it has no target to change`);
    }
    if (input.image !== undefined) container.Image = input.image;
    if (input.container_envvars !== undefined) container.Env = input.container_envvars.map((e) => `${e.key}=${e.value}`);
    if (input.run_command !== undefined) container.Args = input.run_command ? ['sh', '-c', input.run_command] : [];
    // A new target waits for the next scale, as the API's target_num_containers does (a label until then).
    if (input.target_num_containers !== undefined) spec.Labels = { ...spec.Labels, [LABEL.target]: String(input.target_num_containers) };
    return this.update(s, spec, action, `Updating service ${s.Spec.Name}`);
  }

  async startService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const s = swarmServiceByUuid(this.mirror.raw, uuid);
    const spec = structuredClone(s.Spec);
    const remembered = Number(spec.Labels?.[LABEL.target] ?? spec.Labels?.[LABEL.stoppedTarget] ?? NaN);
    if (spec.Labels) for (const label of [LABEL.stoppedTarget, LABEL.target, LABEL.notStarted]) delete spec.Labels[label];
    if (spec.Mode.Replicated) setReplicas(spec, Number.isNaN(remembered) ? Math.max(1, spec.Mode.Replicated.Replicas ?? 1) : remembered);
    return this.update(s, spec, action, `Starting service ${s.Spec.Name}`);
  }

  async stopService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const s = swarmServiceByUuid(this.mirror.raw, uuid);
    if (!s.Spec.Mode.Replicated) throw notAllowed(`service ${s.Spec.Name} runs one task per node (global): it cannot be stopped, only terminated`);
    const spec = structuredClone(s.Spec);
    // The swarm has no stopped service: scaled to 0, remembering its target for start.
    spec.Labels = { ...spec.Labels, [LABEL.stoppedTarget]: String(spec.Mode.Replicated!.Replicas ?? 1) };
    setReplicas(spec, 0);
    return this.update(s, spec, action, `Stopping service ${s.Spec.Name} (scaled to 0; start brings back ${spec.Labels[LABEL.stoppedTarget]})`);
  }

  async scaleService(uuid: string, target: number, action: ActionHandle): Promise<WireObject> {
    const s = swarmServiceByUuid(this.mirror.raw, uuid);
    if (!s.Spec.Mode.Replicated) throw notAllowed(`service ${s.Spec.Name} runs one task per node (EVERY_NODE): it cannot be scaled`);
    const spec = structuredClone(s.Spec);
    if (spec.Labels) for (const label of [LABEL.stoppedTarget, LABEL.target, LABEL.notStarted]) delete spec.Labels[label];
    setReplicas(spec, target);
    return this.update(s, spec, action, `Scaling service ${s.Spec.Name} to ${target}`);
  }

  async redeployService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const s = swarmServiceByUuid(this.mirror.raw, uuid);
    const spec = structuredClone(s.Spec);
    spec.TaskTemplate.ForceUpdate = (spec.TaskTemplate.ForceUpdate ?? 0) + 1;
    const since = new Date().toISOString();
    // Done when every running task is one the update made, as many as the target.
    const replaced = () => {
      const now = this.mirror.raw.services.get(s.ID);
      const running = [...this.mirror.raw.tasks.values()].filter((t) => t.ServiceID === s.ID && t.DesiredState === 'running');
      const target = now?.Spec.Mode.Replicated?.Replicas ?? running.length;
      return !!now && now.UpdateStatus?.State !== 'updating' && running.length === target &&
        running.every((t) => t.Status.State === 'running' && t.CreatedAt >= since.slice(0, 19));
    };
    return this.update(s, spec, action, `Redeploying service ${s.Spec.Name} (a forced update: every task replaced)`, replaced);
  }

  async terminateService(uuid: string, action: ActionHandle): Promise<WireObject> {
    const s = swarmServiceByUuid(this.mirror.raw, uuid);
    action.log(`Removing service ${s.Spec.Name}`);
    await engine(`removing service ${s.Spec.Name}`, () => this.docker.getService(s.ID).remove());
    await this.mirror.refresh({ services: [s.ID] });
    const uri = objectUri('service', this.namespace, uuid);
    this.settle(action, () => this.mirror.get(uri)?.['state'] === 'Terminated', `service ${s.Spec.Name} was not removed`);
    return this.mirror.get(uri)!;
  }

  // ── stacks ──────────────────────────────────────────────────────────────────────────────────────

  async createStack(input: StackCreate, action: ActionHandle): Promise<WireObject> {
    if ([...this.mirror.raw.services.values()].some((s) => s.Spec.Labels?.[LABEL.stackNamespace] === input.name)) {
      throw conflict(`A stack named '${input.name}' already exists`);
    }
    const ids: string[] = [];
    for (const spec of input.services) {
      const name = `${input.name}_${spec.name}`;
      action.log(`Creating service ${name} from ${spec.image}`);
      const created = await engine(`creating service ${name}`, () => this.docker.createService(toSwarmSpec(spec, name, input.name) as never)) as { id?: string; ID?: string };
      ids.push(created.id ?? created.ID ?? '');
    }
    await this.mirror.refresh({ services: ids, tasksOf: ids });
    // Created: every service there (held Not running until the stack starts; a global one runs at once).
    return this.settleStack(uuidFor('stack', input.name), ids, action, (stack) => (stack['services'] as string[]).length === ids.length);
  }

  async updateStack(uuid: string, input: StackUpdate, action: ActionHandle): Promise<WireObject> {
    const stack = stackName(this.mirror.raw, uuid, true);
    const ids: string[] = [];
    for (const spec of input.services ?? []) {
      const name = `${stack}_${spec.name}`;
      const existing = [...this.mirror.raw.services.values()].find((s) => s.Spec.Name === name);
      if (existing) {
        await this.updateService(uuidFor('service', existing.ID), spec, quiet(action));
        ids.push(existing.ID);
      } else {
        if (!spec.image) throw invalid(`Invalid field 'services': the new service '${spec.name}' needs an image`, 'services');
        const created = await engine(`creating service ${name}`, () => this.docker.createService(toSwarmSpec(spec as ServiceSpec, name, stack) as never)) as { id?: string; ID?: string };
        ids.push(created.id ?? created.ID ?? '');
      }
    }
    await this.mirror.refresh({ services: ids, tasksOf: ids });
    return this.settleStack(uuid, ids, action, (stack) => ids.every((id) => (stack['services'] as string[]).includes(objectUri('service', this.namespace, uuidFor('service', id)))));
  }

  async stackEach(uuid: string, what: 'start' | 'stop' | 'redeploy' | 'terminate', action: ActionHandle): Promise<WireObject> {
    const stack = stackName(this.mirror.raw, uuid, true);
    const services = [...this.mirror.raw.services.values()].filter((s) => s.Spec.Labels?.[LABEL.stackNamespace] === stack);
    for (const s of services) {
      const id = uuidFor('service', s.ID);
      if (what === 'start') await this.startService(id, quiet(action));
      else if (what === 'stop') await (s.Spec.Mode.Replicated ? this.stopService(id, quiet(action)) : Promise.resolve());
      else if (what === 'redeploy') await this.redeployService(id, quiet(action));
      else await this.terminateService(id, quiet(action));
    }
    const want = { start: 'Running', stop: 'Stopped', redeploy: 'Running', terminate: 'Terminated' }[what];
    return this.settleStack(uuid, services.map((s) => s.ID), action, (stack) => stack['state'] === want);
  }

  // ── a task's container, a node ──────────────────────────────────────────────────────────────────

  /** Stops (stop) or removes (terminate) a task's container on the engine that runs it; the swarm replaces it. */
  async taskContainer(uuid: string, what: 'stop' | 'terminate', action: ActionHandle): Promise<WireObject> {
    const task = taskByUuid(this.mirror.raw, uuid);
    const containerId = task.Status.ContainerStatus?.ContainerID;
    const docker = task.NodeID ? this.engineOf(task.NodeID) : undefined;
    if (!containerId) throw notAllowed(`the task has no container yet (${task.Status.State})`);
    if (!docker) throw unsupported(nodeEngineNeeded(this.mirror, task.NodeID, what === 'stop' ? 'stopping' : 'terminating'));
    action.log(`${what === 'stop' ? 'Stopping' : 'Removing'} the container of task ${task.ID.slice(0, 12)}; the swarm starts a new task in its place`);
    // Answered at once (a stop may take its 10 s grace period); the action follows the task to its end.
    const done = engine(`${what === 'stop' ? 'stopping' : 'removing'} the task's container`, () => (what === 'stop'
      ? docker.getContainer(containerId).stop({ t: 10 }) : docker.getContainer(containerId).remove({ force: true })));
    if (what === 'terminate') await done;
    else void done.catch((e: Error) => action.fail(e.message));
    await this.mirror.refresh({ tasksOf: [task.ServiceID] });
    const uri = objectUri('container', this.namespace, uuid);
    this.settle(action, () => ['Terminated', 'Stopped'].includes(String(this.mirror.get(uri)?.['state'])), `the task did not stop`,
      () => this.mirror.refresh({ tasksOf: [task.ServiceID] }));
    return this.mirror.get(uri)!;
  }

  async healthCheck(uuid: string, action: ActionHandle): Promise<WireObject> {
    const node = [...this.mirror.raw.nodes.values()].find((n) => uuidFor('node', n.ID) === uuid);
    if (!node) throw missing(`node ${uuid} not found in the swarm`);
    const fresh = await engine(`inspecting node ${node.Description.Hostname}`, () => this.docker.getNode(node.ID).inspect()) as typeof node;
    await this.mirror.refresh({ nodes: true });
    action.log(`Node ${fresh.Description.Hostname}: ${fresh.Status.State}, ${fresh.Spec.Availability}${fresh.Status.Message ? ` (${fresh.Status.Message})` : ''}`);
    if (fresh.Status.State === 'ready') action.succeed();
    else action.fail(`node ${fresh.Description.Hostname} is ${fresh.Status.State}`);
    return this.mirror.get(objectUri('node', this.namespace, uuid))!;
  }

  // ── steps ───────────────────────────────────────────────────────────────────────────────────────

  private async update(s: SwarmService, spec: Spec, action: ActionHandle, says: string, done?: () => boolean): Promise<WireObject> {
    action.log(says);
    const service = this.docker.getService(s.ID);
    await engine(`updating service ${s.Spec.Name}`, async () => {
      try {
        return await service.update({ version: s.Version.Index, ...spec });
      } catch (error) {
        // The swarm moves a service's version by itself (when an update it ran completes): the mirror's can be one
        // behind. Once more, at the version it has now (as the docker CLI does: it inspects, then updates).
        if (!/update out of sequence/.test(String((error as Error)?.message))) throw error;
        const fresh = (await service.inspect()) as { Version: { Index: number } };
        return service.update({ version: fresh.Version.Index, ...spec });
      }
    });
    await this.mirror.refresh({ services: [s.ID], tasksOf: [s.ID] });
    return this.converge(s.ID, action, `service ${s.Spec.Name} did not converge`, done);
  }

  /** The service as it is now; the action settles once its tasks are what its spec asks for (or `done` holds). */
  private converge(id: string, action: ActionHandle, failure: string, done?: () => boolean): WireObject {
    const uri = objectUri('service', this.namespace, uuidFor('service', id));
    this.settle(action, done ?? (() => converged(this.mirror.get(uri))), failure, () => this.mirror.refresh({ services: [id], tasksOf: [id] }));
    const object = this.mirror.get(uri);
    if (!object) throw missing(`service ${id} not found after the change`);
    return object;
  }

  private settleStack(uuid: string, ids: string[], action: ActionHandle, reached: (stack: WireObject) => boolean): WireObject {
    const uri = objectUri('stack', this.namespace, uuid);
    this.settle(action, () => { const s = this.mirror.get(uri); return s !== undefined && reached(s); }, 'the stack did not get there',
      () => this.mirror.refresh({ services: ids, tasksOf: ids }));
    const object = this.mirror.get(uri);
    if (!object) throw missing(`stack ${uuid} not found after the change`);
    return object;
  }

  private settle(action: ActionHandle, done: () => boolean, failure: string, nudge?: () => Promise<void>): void {
    this.mirror.waitUntil(done, CONVERGE_MS, () => `${failure} within ${CONVERGE_MS / 1000} s`, nudge)
      .then(() => action.succeed(), (e: Error) => action.fail(e.message));
  }
}

/** A service reached what its spec asks: as many running tasks as its target, none starting or stopping. */
function converged(o: WireObject | undefined): boolean {
  if (!o) return false;
  const state = String(o['state']);
  return state === 'Running' || state === 'Stopped' || state === 'Not running' && o['target_num_containers'] === 0;
}

function setReplicas(spec: Spec, n: number): void {
  spec.Mode = { Replicated: { Replicas: n } };
}

/** The message for logs and exec of a task on a node whose engine dctop was not told how to reach. */
export function nodeEngineNeeded(mirror: Mirror, nodeId: string | undefined, doing: string): string {
  const node = nodeId ? mirror.raw.nodes.get(nodeId) : undefined;
  const host = node?.Description.Hostname ?? nodeId ?? 'an unknown node';
  // Short enough for a websocket's close reason (123 bytes), which is how a log pane hears it.
  return `node ${host}: pass --node-engine ${host}=HOST for ${doing} its containers`;
}

/**
 * A Docker Cloud service as a swarm service spec: host-mode ports and DNS round-robin (no virtual IPs needed). It
 * is created at 0 replicas, remembering its target, as the API's services (and stacks) are created Not running
 * until started. A global (EVERY_NODE) service cannot be held at 0: it runs at once.
 */
function toSwarmSpec(spec: ServiceSpec, name: string, stack: string | null): Spec & { Labels: Record<string, string> } {
  const restart = { OFF: 'none', ON_FAILURE: 'on-failure', ALWAYS: 'any' }[spec.autorestart];
  const global = spec.deployment_strategy === 'EVERY_NODE';
  return {
    Name: name,
    Labels: {
      ...spec.labels, ...(stack ? { [LABEL.stackNamespace]: stack } : {}),
      ...(global ? {} : { [LABEL.stoppedTarget]: String(spec.target_num_containers), [LABEL.notStarted]: '' }),
    },
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image, Env: spec.container_envvars.map((e) => `${e.key}=${e.value}`),
        ...(spec.run_command ? { Args: ['sh', '-c', spec.run_command] } : {}),
        ...(spec.entrypoint ? { Command: spec.entrypoint.split(/\s+/) } : {}),
        ...(spec.working_dir && spec.working_dir !== '/' ? { Dir: spec.working_dir } : {}),
        ...(stack ? { Labels: { [LABEL.stackNamespace]: stack } } : {}),
        ...({ Init: true } as object),
        StopGracePeriod: 10e9,
      } as Spec['TaskTemplate']['ContainerSpec'],
      RestartPolicy: { Condition: restart },
    },
    Mode: global ? { Global: {} } : { Replicated: { Replicas: 0 } },
    // sequential_deployment: one task at a time; otherwise all at once, watched for half a second.
    UpdateConfig: { Parallelism: spec.sequential_deployment ? 1 : 0, Monitor: 5e8, Order: 'stop-first' },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: spec.container_ports.filter((p) => p.published).map((p) => ({
        Protocol: p.protocol, TargetPort: p.inner_port, ...(p.outer_port !== null ? { PublishedPort: p.outer_port } : {}), PublishMode: 'host',
      })),
    },
  };
}
