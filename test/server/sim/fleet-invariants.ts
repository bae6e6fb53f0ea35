// Checks beyond test/helpers/invariants.ts, on the same snapshots: services' targets against their containers, and
// EVERY_NODE services against the nodes ("one container on every node").
import type { FleetSnapshot } from '../../helpers/invariants.js';

/** Deployed and holding its containers: an Unreachable node is "deployed but Docker Cloud cannot connect". */
const DEPLOYED = new Set(['Deployed', 'Unreachable', 'Upgrading']);
const live = (o: any) => o.state !== 'Terminated';
const carries = (node: any, svc: any) => svc.tags.every((t: any) => node.tags.some((n: any) => n.name === t.name));

/**
 * Violations once every action settled: every EVERY_NODE service's target is the number of deployed nodes
 * carrying its tags, with at most one container on each of them (exactly one on each Deployed one while it runs)
 * and none anywhere else; and no other running service has more containers than its target.
 */
export function targetViolations(s: FleetSnapshot): string[] {
  const problems: string[] = [];
  const nodes = s.nodes.filter(live);
  for (const svc of s.services.filter(live)) {
    const mine = s.containers.filter((c) => c.service === svc.resource_uri && live(c));
    const running = ['Running', 'Partly running'].includes(svc.state);
    if (svc.deployment_strategy === 'EVERY_NODE') {
      const targets = nodes.filter((n) => DEPLOYED.has(n.state) && carries(n, svc));
      if (svc.target_num_containers !== targets.length) {
        problems.push(`${svc.name}: target ${svc.target_num_containers} ≠ ${targets.length} deployed node(s)`);
      }
      for (const n of targets) {
        // Deployed nodes have one each; an Unreachable one may have none (it was unreachable when the service started).
        const on = mine.filter((c) => c.node === n.resource_uri).length;
        if (on > 1 || (running && n.state === 'Deployed' && on !== 1)) problems.push(`${svc.name}: ${on} container(s) on node ${n.uuid.slice(0, 8)}`);
      }
      const elsewhere = mine.filter((c) => !targets.some((n) => n.resource_uri === c.node));
      if (elsewhere.length) problems.push(`${svc.name}: ${elsewhere.length} container(s) on nodes it does not run on`);
    } else if (running && svc.current_num_containers > svc.target_num_containers) {
      // Fewer is possible (containers go with their terminated node; the request stands until a redeploy or scale).
      problems.push(`${svc.name}: ${svc.state} with ${svc.current_num_containers} container(s) for a target of ${svc.target_num_containers}`);
    }
  }
  return problems;
}
