// The state tables of the reference, driven over real HTTP against the sim backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, findOne, settled, startTestServer, type TestServer } from '../helpers/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ fleet: 'demo' });
});
afterAll(() => t.close());

const get = async (uri: string) => (await t.api('GET', uri)).body;
const waitState = (uri: string, state: string) =>
  eventually(async () => ((await get(uri)).state === state ? get(uri) : undefined), 10000, `${uri} → ${state}`);

async function newService(body: Record<string, unknown>) {
  const res = await t.api('POST', '/api/app/v1/service/', body);
  expect(res.status).toBe(201);
  return res.body;
}

describe('services', () => {
  it('start: Not running → Starting → Running, with containers placed on deployed nodes', async () => {
    const svc = await newService({ image: 'nginx:1.13', name: 'lc-start', target_num_containers: 3, container_ports: [{ protocol: 'tcp', inner_port: 80, published: true }] });
    expect(svc).toMatchObject({ state: 'Not running', current_num_containers: 0, image_name: 'nginx:1.13' });
    const res = await t.api('POST', `${svc.resource_uri}start/`);
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('Starting');
    const running = await waitState(svc.resource_uri, 'Running');
    expect(running).toMatchObject({ current_num_containers: 3, running_num_containers: 3, stopped_num_containers: 0 });
    expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    for (const uri of running.containers) {
      const c = await get(uri);
      expect(c.state).toBe('Running');
      expect((await get(c.node)).state).toBe('Deployed');
      expect(c.container_ports[0].outer_port).toBeGreaterThanOrEqual(32768); // dynamic port on the node
      expect(c.container_ports[0].endpoint_uri).toContain(c.public_dns);
    }
  });

  it('stop, then start again keeps the same containers', async () => {
    const svc = await newService({ image: 'redis:3.2', name: 'lc-stop', target_num_containers: 2 });
    await t.api('POST', `${svc.resource_uri}start/`);
    const before = await waitState(svc.resource_uri, 'Running');
    const stop = await t.api('POST', `${svc.resource_uri}stop/`);
    expect(stop.body.state).toBe('Stopping');
    const stopped = await waitState(svc.resource_uri, 'Stopped');
    expect(stopped).toMatchObject({ running_num_containers: 0, stopped_num_containers: 2 });
    for (const uri of stopped.containers) expect((await get(uri)).exit_code).toBe(0);
    await t.api('POST', `${svc.resource_uri}start/`);
    const again = await waitState(svc.resource_uri, 'Running');
    expect(again.containers.sort()).toEqual(before.containers.sort());
  });

  it('redeploy replaces every container with a new one of the same name', async () => {
    const svc = await newService({ image: 'httpd:2.4', name: 'lc-redeploy', target_num_containers: 2 });
    await t.api('POST', `${svc.resource_uri}start/`);
    const before = await waitState(svc.resource_uri, 'Running');
    await t.api('PATCH', svc.resource_uri, { image: 'httpd:2.4.33' });
    expect((await get(svc.resource_uri)).synchronized).toBe(false);
    const res = await t.api('POST', `${svc.resource_uri}redeploy/?reuse_volumes=False`);
    expect(res.body.state).toBe('Redeploying');
    expect((await settled(t, res.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    const after = await get(svc.resource_uri);
    expect(after).toMatchObject({ state: 'Running', synchronized: true, current_num_containers: 2 });
    expect(after.containers.some((u: string) => before.containers.includes(u))).toBe(false);
    const names = await Promise.all(after.containers.map(async (u: string) => (await get(u)).name));
    expect(names.sort()).toEqual(['lc-redeploy-1', 'lc-redeploy-2']);
    expect((await get(after.containers[0])).image_name).toBe('httpd:2.4.33');
    for (const old of before.containers) expect((await get(old)).state).toBe('Terminated');
  });

  it('scale up and down through PATCH + scale/', async () => {
    const svc = await newService({ image: 'node:8', name: 'lc-scale', target_num_containers: 1 });
    await t.api('POST', `${svc.resource_uri}start/`);
    await waitState(svc.resource_uri, 'Running');
    await t.api('PATCH', svc.resource_uri, { target_num_containers: 4 });
    const up = await t.api('POST', `${svc.resource_uri}scale/`);
    expect(up.body.state).toBe('Scaling');
    await settled(t, up.headers.get('x-dockercloud-action-uri')!);
    expect(await get(svc.resource_uri)).toMatchObject({ state: 'Running', current_num_containers: 4 });
    await t.api('PATCH', svc.resource_uri, { target_num_containers: 1 });
    const down = await t.api('POST', `${svc.resource_uri}scale/`);
    await settled(t, down.headers.get('x-dockercloud-action-uri')!);
    const after = await get(svc.resource_uri);
    expect(after).toMatchObject({ state: 'Running', current_num_containers: 1 });
    expect((await get(after.containers[0])).name).toBe('lc-scale-1');
  });

  it('terminate: Terminating → Terminated, containers terminated, object still listed', async () => {
    const svc = await newService({ image: 'mongo:3.6', name: 'lc-term', target_num_containers: 2 });
    await t.api('POST', `${svc.resource_uri}start/`);
    const running = await waitState(svc.resource_uri, 'Running');
    const res = await t.api('DELETE', svc.resource_uri);
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('Terminating');
    const gone = await waitState(svc.resource_uri, 'Terminated');
    expect(gone.destroyed_datetime).toMatch(/\+0000$/);
    for (const uri of running.containers) expect((await get(uri)).state).toBe('Terminated');
    expect((await t.api('POST', `${svc.resource_uri}start/`)).status).toBe(400);
  });

  it('containers exit with codes; autorestart and autodestroy are honoured', async () => {
    const restart = await newService({ image: 'python:3.6', name: 'lc-restart', autorestart: 'ON_FAILURE' });
    const destroy = await newService({ image: 'python:3.6', name: 'lc-destroy', autodestroy: 'ALWAYS' });
    for (const s of [restart, destroy]) await t.api('POST', `${s.resource_uri}start/`);
    const r = await waitState(restart.resource_uri, 'Running');
    const d = await waitState(destroy.resource_uri, 'Running');
    const { sim } = t.backend;
    const { exited } = await import('../../src/server/sim/containers.js');
    exited(sim, sim.world.container(r.containers[0])!, 1);
    exited(sim, sim.world.container(d.containers[0])!, 0);
    expect((await get(r.containers[0])).exit_code).toBe(1);
    await eventually(async () => (await get(r.containers[0])).state === 'Running', 5000, 'autorestart');
    await waitState(d.containers[0], 'Terminated');
    expect(await get(destroy.resource_uri)).toMatchObject({ current_num_containers: 0, state: 'Stopped' });
  });

  it('a service that cannot be placed fails its action with the reason', async () => {
    const svc = await newService({ image: 'nginx', name: 'lc-noplace', tags: [{ name: 'gpu' }] });
    const res = await t.api('POST', `${svc.resource_uri}start/`);
    const action = await settled(t, res.headers.get('x-dockercloud-action-uri')!);
    expect(action.state).toBe('Failed');
    expect(await get(svc.resource_uri)).toMatchObject({ state: 'Stopped', current_num_containers: 0 });
  });
});

describe('containers', () => {
  it('stop, start, redeploy in place and terminate one container', async () => {
    const svc = await newService({ image: 'nginx', name: 'lc-ctr', target_num_containers: 2 });
    await t.api('POST', `${svc.resource_uri}start/`);
    const running = await waitState(svc.resource_uri, 'Running');
    const uri = running.containers[0];
    expect((await t.api('POST', `${uri}stop/`)).body.state).toBe('Stopping');
    await waitState(uri, 'Stopped');
    expect(await get(svc.resource_uri)).toMatchObject({ state: 'Partly running', running_num_containers: 1, stopped_num_containers: 1 });
    expect((await t.api('POST', `${uri}stop/`)).status).toBe(400);
    await t.api('POST', `${uri}start/`);
    await waitState(uri, 'Running');
    await waitState(svc.resource_uri, 'Running');
    const dockerId = (await get(uri)).docker_id;
    await t.api('POST', `${uri}redeploy/`);
    await eventually(async () => { const c = await get(uri); return c.state === 'Running' && c.docker_id !== dockerId; });
    await t.api('DELETE', uri);
    await waitState(uri, 'Terminated');
    expect(await get(svc.resource_uri)).toMatchObject({ current_num_containers: 1 });
  });
});

describe('stacks', () => {
  it('create → start → stop → redeploy → terminate, the stack following its services', async () => {
    const res = await t.api('POST', '/api/app/v1/stack/', {
      name: 'lc-stack',
      services: [
        { name: 'front', image: 'nginx', target_num_containers: 2, linked_to_service: [{ to_service: 'back', name: 'API' }] },
        { name: 'back', image: 'node:8', expose: [3000] },
      ],
    });
    expect(res.status).toBe(201);
    const stack = res.body;
    expect(stack.state).toBe('Not Running');
    expect(stack.services).toHaveLength(2);
    const front = await findOne(t, '/api/app/v1/service/?name=front&stack__name=lc-stack');
    expect(front.linked_to_service[0]).toMatchObject({ name: 'API' });
    await t.api('POST', `${stack.resource_uri}start/`);
    await waitState(stack.resource_uri, 'Running');
    const frontRunning = await get(front.resource_uri);
    const c = await get(frontRunning.containers[0]);
    expect(c.linked_to_container[0].name).toBe('API_1');
    expect(c.container_envvars.some((e: any) => e.key === 'API_PORT_3000_TCP_ADDR')).toBe(true);
    await t.api('POST', `${stack.resource_uri}stop/`);
    await waitState(stack.resource_uri, 'Stopped');
    const redeploy = await t.api('POST', `${stack.resource_uri}redeploy/`);
    expect(redeploy.body.state).toBe('Redeploying');
    await waitState(stack.resource_uri, 'Running');
    const exported = (await t.api('GET', `${stack.resource_uri}export/`)).body;
    expect(exported.front).toMatchObject({ image: 'nginx:latest', target_num_containers: 2, links: ['back:API'] });
    await t.api('DELETE', stack.resource_uri);
    const gone = await waitState(stack.resource_uri, 'Terminated');
    expect(gone.destroyed_datetime).not.toBeNull();
    expect((await get(front.resource_uri)).state).toBe('Terminated');
  });

  it('PATCH replaces the definition: updates, creates and terminates services by name', async () => {
    const stack = (await t.api('POST', '/api/app/v1/stack/', {
      name: 'lc-patch', services: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'redis' }],
    })).body;
    const res = await t.api('PATCH', stack.resource_uri, {
      services: [{ name: 'a', image: 'nginx:1.15', target_num_containers: 3 }, { name: 'c', image: 'mongo' }],
    });
    expect(res.status).toBeLessThan(300);
    await eventually(async () => (await get(stack.resource_uri)).services.length === 2);
    const a = await findOne(t, '/api/app/v1/service/?name=a&stack__name=lc-patch');
    expect(a).toMatchObject({ image_name: 'nginx:1.15', target_num_containers: 3 });
    expect((await findOne(t, '/api/app/v1/service/?name=c&stack__name=lc-patch')).state).toBe('Not running');
    await eventually(async () => (await findOne(t, '/api/app/v1/service/?name=b&stack__name=lc-patch')).state === 'Terminated');
  });
});

describe('node clusters and nodes', () => {
  it('create (Init) → deploy (Deploying → Deployed) → scale → terminate', async () => {
    const res = await t.api('POST', '/api/infra/v1/nodecluster/', {
      name: 'lc-cluster', region: '/api/infra/v1/region/digitalocean/lon1/', node_type: '/api/infra/v1/nodetype/digitalocean/1gb/',
      target_num_nodes: 2, tags: [{ name: 'lc' }],
    });
    expect(res.status).toBe(201);
    const cluster = res.body;
    expect(cluster).toMatchObject({ state: 'Init', current_num_nodes: 0, nodes: [] });
    const deploy = await t.api('POST', `${cluster.resource_uri}deploy/`);
    expect(deploy.body.state).toBe('Deploying');
    const deployed = await waitState(cluster.resource_uri, 'Deployed');
    expect(deployed).toMatchObject({ current_num_nodes: 2 });
    const node = await get(deployed.nodes[0]);
    expect(node).toMatchObject({ state: 'Deployed', node_cluster: cluster.resource_uri, tags: [{ name: 'lc' }], memory: 1024 });
    expect(node.public_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const scale = await t.api('PATCH', cluster.resource_uri, { target_num_nodes: 3 });
    expect(scale.body.state).toBe('Scaling');
    const scaled = await waitState(cluster.resource_uri, 'Deployed');
    expect(scaled.current_num_nodes).toBe(3);
    expect((await t.api('POST', `${cluster.resource_uri}deploy/`)).status).toBe(400);
    await t.api('DELETE', cluster.resource_uri);
    const gone = await waitState(cluster.resource_uri, 'Terminated');
    for (const uri of scaled.nodes) expect((await get(uri)).state).toBe('Terminated');
    expect(gone.current_num_nodes).toBe(0);
  });

  it('docker-upgrade restarts the containers on the node; health-check finds an unreachable node back', async () => {
    const nodes = (await t.api('GET', '/api/infra/v1/node/?state=Deployed')).body.objects;
    const node = nodes.find((n: any) => n.current_num_containers > 0);
    const containersBefore = (await t.api('GET', `/api/app/v1/container/?node=${encodeURIComponent(node.resource_uri)}&state=Running`)).body.objects;
    const upgrade = await t.api('POST', `${node.resource_uri}docker-upgrade/`);
    expect(upgrade.body.state).toBe('Upgrading');
    const action = await settled(t, upgrade.headers.get('x-dockercloud-action-uri')!);
    expect(action.state).toBe('Success');
    const after = await get(node.resource_uri);
    expect(after.state).toBe('Deployed');
    expect(after.docker_version).toBe('17.06.2-ee');
    expect(containersBefore.length).toBeGreaterThan(0);
    for (const c of containersBefore) expect((await get(c.resource_uri)).state).toBe('Running');
    const unreachable = await findOne(t, '/api/infra/v1/node/?state=Unreachable');
    const failed = await t.api('POST', `${unreachable.resource_uri}health-check/`);
    expect((await settled(t, failed.headers.get('x-dockercloud-action-uri')!)).state).toBe('Failed');
    const { recoverNode } = await import('../../src/server/sim/infra.js');
    recoverNode(t.backend.sim, t.backend.sim.world.node(unreachable.resource_uri)!);
    const ok = await t.api('POST', `${unreachable.resource_uri}health-check/`);
    expect((await settled(t, ok.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    expect((await get(unreachable.resource_uri)).state).toBe('Deployed');
  });

  it('a new node receives the containers of running EVERY_NODE services', async () => {
    const exporter = await findOne(t, '/api/app/v1/service/?name=node-exporter');
    const before = exporter.current_num_containers;
    const staging = await findOne(t, '/api/infra/v1/nodecluster/?name=staging');
    const res = await t.api('PATCH', staging.resource_uri, { target_num_nodes: staging.target_num_nodes + 1 });
    await settled(t, res.headers.get('x-dockercloud-action-uri')!);
    await eventually(async () => (await get(exporter.resource_uri)).running_num_containers === before + 1, 5000, 'exporter on new node');
    expect((await t.api('POST', `${exporter.resource_uri}scale/`)).status).toBe(400);
  });
});

describe('actions', () => {
  it('record every change with logs, and retry a finished one', async () => {
    const svc = await newService({ image: 'nginx', name: 'lc-actions' });
    const start = await t.api('POST', `${svc.resource_uri}start/`);
    const uri = start.headers.get('x-dockercloud-action-uri')!;
    const action = await settled(t, uri);
    // A success does not offer a retry (can_be_retried), though the reference lets one retry it (below).
    expect(action).toMatchObject({ action: 'Service Start', method: 'POST', object: svc.resource_uri, state: 'Success', can_be_retried: false });
    expect(action.end_date).toMatch(/\+0000$/);
    const related = (await t.api('GET', `/api/audit/v1/action/?object=${encodeURIComponent(svc.resource_uri)}`)).body.objects;
    expect(related.map((a: any) => a.action)).toEqual(['Service Start', 'Service Create']);
    // Retrying a start on a running service is refused, and the action is left as it was.
    const refused = await t.api('POST', `${uri}retry/`);
    expect(refused.status).toBe(400);
    expect((await get(uri)).state).toBe('Success');
    await t.api('POST', `${svc.resource_uri}stop/`);
    await waitState(svc.resource_uri, 'Stopped');
    const retried = await t.api('POST', `${uri}retry/`);
    expect(retried.status).toBe(202);
    expect(retried.body.state).toBe('In progress');
    expect((await settled(t, uri)).state).toBe('Success');
    expect((await get(svc.resource_uri)).state).toBe('Running');
  });

  it('cancel stops a sequential redeploy between containers', async () => {
    const svc = await newService({ image: 'nginx', name: 'lc-cancel', target_num_containers: 4, sequential_deployment: true });
    await t.api('POST', `${svc.resource_uri}start/`);
    await waitState(svc.resource_uri, 'Running');
    const res = await t.api('POST', `${svc.resource_uri}redeploy/`);
    const uri = res.headers.get('x-dockercloud-action-uri')!;
    expect((await get(uri)).can_be_canceled).toBe(true);
    const cancel = await t.api('POST', `${uri}cancel/`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe('Canceling');
    expect((await settled(t, uri)).state).toBe('Canceled');
    const after = await get(svc.resource_uri);
    expect(['Running', 'Partly running']).toContain(after.state);
    expect(after.current_num_containers).toBe(4);
    expect(after.synchronized).toBe(true);
    expect((await t.api('POST', `${uri}cancel/`)).status).toBe(400);
  });

  it('an operation waits as Pending behind an action in progress on a parent, and can be canceled there', async () => {
    const svc = await newService({ image: 'nginx', name: 'lc-pending', target_num_containers: 2, deployment_strategy: 'HIGH_AVAILABILITY' });
    await t.api('POST', `${svc.resource_uri}start/`);
    const running = await waitState(svc.resource_uri, 'Running');
    const [first, second] = await Promise.all(running.containers.map(get));
    const upgrade = await t.api('POST', `${first.node}docker-upgrade/`);
    // The node upgrades: terminating a container on it waits, then runs when the upgrade is done.
    const terminate = await t.api('DELETE', first.resource_uri);
    expect(terminate.status).toBe(202);
    const terminateUri = terminate.headers.get('x-dockercloud-action-uri')!;
    expect(await get(terminateUri)).toMatchObject({ state: 'Pending', can_be_canceled: true });
    expect((await settled(t, upgrade.headers.get('x-dockercloud-action-uri')!)).state).toBe('Success');
    expect((await settled(t, terminateUri)).state).toBe('Success');
    expect((await get(first.resource_uri)).state).toBe('Terminated');
    expect(second.node).not.toBe(first.node); // high availability spreads them
    const again = await t.api('POST', `${second.node}docker-upgrade/`);
    const pending = (await t.api('DELETE', second.resource_uri)).headers.get('x-dockercloud-action-uri')!;
    const canceled = await t.api('POST', `${pending}cancel/`);
    expect(canceled.body).toMatchObject({ state: 'Canceled', can_be_retried: true });
    await settled(t, again.headers.get('x-dockercloud-action-uri')!);
    expect((await get(second.resource_uri)).state).toBe('Running');
    expect((await get(pending)).state).toBe('Canceled');
  });

  it('filters by object with include_related', async () => {
    const shop = await findOne(t, '/api/app/v1/stack/?name=shop');
    const web = await findOne(t, '/api/app/v1/service/?name=web');
    const res = await t.api('POST', `${web.resource_uri}redeploy/`);
    await settled(t, res.headers.get('x-dockercloud-action-uri')!);
    const plain = (await t.api('GET', `/api/audit/v1/action/?object=${encodeURIComponent(shop.resource_uri)}`)).body.objects;
    const related = (await t.api('GET', `/api/audit/v1/action/?object=${encodeURIComponent(shop.resource_uri)}&include_related=true`)).body.objects;
    expect(plain).toHaveLength(0);
    expect(related.some((a: any) => a.object === web.resource_uri)).toBe(true);
  });
});
