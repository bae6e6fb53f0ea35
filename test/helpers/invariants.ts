// The consistency a client may rely on, checked over the REST API: counters match children, parents' states follow
// their children, references point at listed objects.
import type { TestServer } from './server.js';

async function all(t: TestServer, path: string): Promise<any[]> {
  const res = await t.api('GET', `${path}?limit=1000`);
  const objects = [...res.body.objects];
  let next = res.body.meta.next;
  while (next) {
    const page = await t.api('GET', next);
    objects.push(...page.body.objects);
    next = page.body.meta.next;
  }
  return objects;
}

export interface FleetSnapshot { clusters: any[]; nodes: any[]; stacks: any[]; services: any[]; containers: any[] }

export async function snapshot(t: TestServer): Promise<FleetSnapshot> {
  const [clusters, nodes, stacks, services, containers] = await Promise.all([
    all(t, '/api/infra/v1/nodecluster/'), all(t, '/api/infra/v1/node/'), all(t, '/api/app/v1/stack/'),
    all(t, '/api/app/v1/service/'), all(t, '/api/app/v1/container/'),
  ]);
  return { clusters, nodes, stacks, services, containers };
}

/** Returns a list of violations (empty when consistent). Only settled parents are checked for derived states. */
export function violations(s: FleetSnapshot): string[] {
  const problems: string[] = [];
  const nodeUris = new Set(s.nodes.map((n) => n.resource_uri));
  const live = (o: any) => o.state !== 'Terminated';
  for (const svc of s.services.filter(live)) {
    const mine = s.containers.filter((c) => c.service === svc.resource_uri && live(c));
    const running = mine.filter((c) => c.state === 'Running').length;
    const stopped = mine.filter((c) => c.state === 'Stopped').length;
    if (svc.current_num_containers !== mine.length) problems.push(`${svc.name}: current ${svc.current_num_containers} ≠ ${mine.length}`);
    if (svc.running_num_containers !== running) problems.push(`${svc.name}: running ${svc.running_num_containers} ≠ ${running}`);
    if (svc.stopped_num_containers !== stopped) problems.push(`${svc.name}: stopped ${svc.stopped_num_containers} ≠ ${stopped}`);
    if ([...svc.containers].sort().join() !== mine.map((c) => c.resource_uri).sort().join()) problems.push(`${svc.name}: containers list differs`);
    const settledState = mine.length === 0 ? null : running === mine.length ? 'Running' : running === 0 ? 'Stopped' : 'Partly running';
    if (['Running', 'Partly running', 'Stopped'].includes(svc.state) && settledState && svc.state !== settledState) {
      problems.push(`${svc.name}: state ${svc.state} but containers say ${settledState}`);
    }
  }
  for (const node of s.nodes.filter(live)) {
    const on = s.containers.filter((c) => c.node === node.resource_uri && live(c)).length;
    if (node.current_num_containers !== on) problems.push(`node ${node.uuid}: ${node.current_num_containers} ≠ ${on}`);
  }
  for (const c of s.containers.filter(live)) {
    if (!nodeUris.has(c.node)) problems.push(`container ${c.name}: node ${c.node} not listed`);
  }
  for (const cluster of s.clusters.filter(live)) {
    const mine = s.nodes.filter((n) => n.node_cluster === cluster.resource_uri && live(n));
    const up = mine.filter((n) => ['Deployed', 'Unreachable', 'Upgrading'].includes(n.state)).length;
    if (cluster.current_num_nodes !== up) problems.push(`cluster ${cluster.name}: current_num_nodes ${cluster.current_num_nodes} ≠ ${up}`);
  }
  for (const stack of s.stacks.filter(live)) {
    const mine = s.services.filter((x) => x.stack === stack.resource_uri && live(x));
    if ([...stack.services].sort().join() !== mine.map((x) => x.resource_uri).sort().join()) problems.push(`stack ${stack.name}: services list differs`);
  }
  return problems;
}
