// Stacks: groups of services created from one body (stack-file keys accepted), operated together; their state
// follows their services'.
import { objectUri, toRfc2822, UUID_V4, type Service, type Stack } from '../../domain/index.js';
import { defined } from '../body.js';
import { conflict, invalid } from '../backend-errors.js';
import type { ServiceSpec, StackCreate, StackUpdate } from '../inputs.js';
import { parseServiceCreate } from '../inputs.js';
import { stackFile } from '../stackfile.js';
import type { Sim } from './context.js';
import { refreshStack } from './derive.js';
import {
  createService, resolveService, redeployService, stackServices, startService, stopService, terminateService, updateService,
  cancelGroup, type Cancel, type Log,
} from './services.js';
import { uuid4 } from './random.js';

/** Checks that every link and volumes_from names a service of the body, or an existing service by URI/UUID. */
function checkReferences(sim: Sim, namespace: string, specs: readonly Partial<ServiceSpec>[], existing: readonly Service[]): void {
  const names = new Set([...specs.map((s) => s.name), ...existing.map((s) => s.name)]);
  const known = (ref: string) => names.has(ref) || ((ref.startsWith('/api/') || UUID_V4.test(ref)) && !!resolveService(sim, namespace, ref, []));
  for (const spec of specs) {
    for (const link of spec.linked_to_service ?? []) {
      if (!known(link.to_service)) throw invalid(`Invalid field 'services': '${spec.name}' links to unknown service '${link.to_service}'`);
    }
    for (const b of spec.bindings ?? []) {
      if (b.volumes_from && !known(b.volumes_from)) {
        throw invalid(`Invalid field 'services': '${spec.name}' takes volumes from unknown service '${b.volumes_from}'`);
      }
    }
  }
}

/** Creates the services of a stack body: first all of them, then their links, which may point forward. */
function createMembers(sim: Sim, namespace: string, stack: Stack, specs: readonly ServiceSpec[]): void {
  const created: Service[] = [];
  for (const spec of specs) {
    const service = createService(sim, namespace, { ...spec, linked_to_service: [], bindings: [] }, stack, created);
    stack.services.push(service.resource_uri);
    created.push(service);
  }
  sim.world.touch(stack);
  const siblings = stackServices(sim, stack);
  specs.forEach((spec, i) => {
    if (spec.linked_to_service.length || spec.bindings.length) {
      updateService(sim, namespace, created[i]!, { linked_to_service: spec.linked_to_service, bindings: spec.bindings }, siblings);
    }
  });
}

export function createStack(sim: Sim, namespace: string, input: StackCreate): Stack {
  const { world } = sim;
  if ((world.list('stack', namespace) as unknown as Stack[]).some((s) => s.name === input.name && s.state !== 'Terminated')) {
    throw conflict(`A stack named '${input.name}' already exists`);
  }
  checkReferences(sim, namespace, input.services, []);
  const uuid = uuid4(sim.rng);
  const stack: Stack = {
    resource_uri: objectUri('stack', namespace, uuid), uuid, name: input.name, nickname: input.nickname ?? input.name,
    state: 'Not Running', synchronized: true, services: [], deployed_datetime: null, destroyed_datetime: null,
  };
  world.add(namespace, 'stack', stack);
  createMembers(sim, namespace, stack, input.services);
  return stack;
}

/**
 * PATCH: the body's services are the stack's new definition, matched by name. Known services are updated, new
 * ones created, and services the body no longer names are terminated. Returns whether anything runs on.
 */
export function updateStack(sim: Sim, namespace: string, stack: Stack, input: StackUpdate, log: Log): Promise<unknown> | null {
  if (input.nickname !== undefined) stack.nickname = input.nickname || stack.name;
  if (!input.services) {
    sim.world.emit(stack.resource_uri);
    return null;
  }
  const current = stackServices(sim, stack);
  const byName = new Map(current.map((s) => [s.name, s]));
  const fresh = input.services.filter((s) => !byName.has(s.name));
  // Validate everything before changing anything.
  const freshSpecs = fresh.map((s) => {
    if (!s.image) throw invalid(`Invalid field 'services': the new service '${s.name}' needs an image`);
    return parseServiceCreate({ image: s.image, name: s.name });
  }).map((base, i) => ({ ...base, ...defined(fresh[i]!) }) as ServiceSpec);
  checkReferences(sim, namespace, input.services, current);
  const wanted = new Set(input.services.map((s) => s.name));
  const removed = current.filter((s) => !wanted.has(s.name));

  for (const spec of input.services) {
    const existing = byName.get(spec.name);
    if (existing) updateService(sim, namespace, existing, spec, stackServices(sim, stack));
  }
  createMembers(sim, namespace, stack, freshSpecs);
  for (const s of removed) log(`Terminating ${s.name}, which the new definition no longer has`);
  sim.world.emit(stack.resource_uri);
  refreshStack(sim, stack);
  return removed.length ? Promise.all(removed.map((s) => terminateService(sim, s, log))) : null;
}

/** Services in the order to start them: those linked to (or lending volumes) before those that use them. */
export function dependencyOrder(services: readonly Service[]): Service[] {
  const ordered: Service[] = [];
  const visiting = new Set<string>();
  const visit = (s: Service) => {
    if (ordered.includes(s) || visiting.has(s.resource_uri)) return; // a cycle starts wherever it is entered
    visiting.add(s.resource_uri);
    const needs = [...s.linked_to_service.map((l) => l.to_service), ...s.bindings.map((b) => b.volumes_from)];
    for (const uri of needs) {
      const dep = services.find((x) => x.resource_uri === uri);
      if (dep) visit(dep);
    }
    ordered.push(s);
  };
  services.forEach(visit);
  return ordered;
}

/** Runs an operation on each service, holding the stack in `state` meanwhile; resolves to the first error. */
async function onServices(
  sim: Sim, stack: Stack, state: Stack['state'], which: (s: Service) => boolean, op: (s: Service) => Promise<string | null>,
): Promise<string | null> {
  sim.world.setState(stack, state);
  // Operations place their containers before their first pause, so starting dependencies first gives the
  // containers of linking services their link endpoints.
  const errors = await Promise.all(dependencyOrder(stackServices(sim, stack)).filter(which).map(op));
  refreshStack(sim, stack, true);
  return errors.find((e) => e !== null) ?? null;
}

export function startStack(sim: Sim, namespace: string, stack: Stack, log: Log): Promise<string | null> {
  stack.deployed_datetime ??= toRfc2822(sim.clock.now());
  return onServices(sim, stack, 'Starting', (s) => ['Not running', 'Stopped', 'Partly running'].includes(s.state),
    (s) => startService(sim, namespace, s, log));
}

export function stopStack(sim: Sim, stack: Stack, log: Log): Promise<string | null> {
  return onServices(sim, stack, 'Stopping', (s) => ['Running', 'Partly running'].includes(s.state),
    (s) => stopService(sim, s, log));
}

/** Redeploys the services side by side; it can be canceled while one of them (a sequential one) still can. */
export function redeployStack(sim: Sim, namespace: string, stack: Stack, log: Log, cancel: Cancel, reuse = true) {
  stack.deployed_datetime = toRfc2822(sim.clock.now());
  const group = cancelGroup(cancel);
  const done = onServices(sim, stack, 'Redeploying', (s) => ['Running', 'Partly running', 'Stopped'].includes(s.state),
    (s) => redeployService(sim, namespace, s, log, group.part(), reuse));
  group.seal();
  return done;
}

export async function terminateStack(sim: Sim, stack: Stack, log: Log): Promise<string | null> {
  const services = stackServices(sim, stack);
  sim.world.setState(stack, 'Terminating');
  await Promise.all(services.map((s) => terminateService(sim, s, log)));
  stack.destroyed_datetime = toRfc2822(sim.clock.now());
  sim.world.setState(stack, 'Terminated');
  sim.clock.after(sim.durations.retention, () => sim.world.remove(stack.resource_uri));
  return null;
}

/** GET export: the stack as a stack file (JSON), with only what differs from the defaults. */
export function exportStack(sim: Sim, stack: Stack): Record<string, unknown> {
  return stackFile(stackServices(sim, stack), (uri) => sim.world.service(uri)?.name);
}
