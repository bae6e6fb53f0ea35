// The scheduler: which node a new container goes to, by the service's deployment strategy and tags.
import type { Node, Service } from '../../domain/index.js';
import type { Sim } from './context.js';

function carriesTags(node: Node, service: Service): boolean {
  return service.tags.every((tag) => node.tags.some((t) => t.name === tag.name));
}

/** Deployed nodes of the namespace that carry every tag of the service: where a new container may go now. */
export function eligibleNodes(sim: Sim, namespace: string, service: Service): Node[] {
  return sim.world.nodes(namespace).filter((node) => node.state === 'Deployed' && carriesTags(node, service));
}

/**
 * The node states in which a node is deployed and holds its containers: Deployed, and Unreachable ("deployed but
 * Docker Cloud cannot connect to the docker daemon": its containers are still there) and Upgrading (its
 * containers restart with the daemon). Deploying nodes have none yet; Terminating ones are on their way out.
 */
export const NODE_DEPLOYED: ReadonlySet<string> = new Set(['Deployed', 'Unreachable', 'Upgrading']);

/**
 * The nodes an EVERY_NODE service runs one container on ("one container on every node"), and so its
 * target_num_containers: the deployed nodes of the namespace that carry the service's tags.
 */
export function everyNodeNodes(sim: Sim, namespace: string, service: Service): Node[] {
  return sim.world.nodes(namespace).filter((node) => NODE_DEPLOYED.has(node.state) && carriesTags(node, service));
}

function containersOfServiceOn(sim: Sim, node: Node, service: Service): number {
  let n = 0;
  for (const uri of sim.containersOnNode.get(node.resource_uri) ?? []) {
    if (sim.world.container(uri)?.service === service.resource_uri) n++;
  }
  return n;
}

/**
 * The node for one more container of the service, or undefined when none fits.
 * EMPTIEST_NODE: fewest containers; HIGH_AVAILABILITY: fewest of this service, then fewest overall;
 * EVERY_NODE: a node that has none of this service yet.
 */
export function chooseNode(sim: Sim, namespace: string, service: Service): Node | undefined {
  const nodes = eligibleNodes(sim, namespace, service);
  const total = (node: Node) => sim.containersOnNode.get(node.resource_uri)?.size ?? 0;
  let best: Node | undefined;
  let bestScore = Infinity;
  for (const node of nodes) {
    let score: number;
    switch (service.deployment_strategy) {
      case 'EVERY_NODE':
        if (containersOfServiceOn(sim, node, service) > 0) continue;
        score = total(node);
        break;
      case 'HIGH_AVAILABILITY':
        score = containersOfServiceOn(sim, node, service) * 1_000_000 + total(node);
        break;
      default:
        score = total(node);
    }
    if (score < bestScore) [best, bestScore] = [node, score];
  }
  return best;
}
