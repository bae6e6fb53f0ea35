// The scheduler: which node a new container goes to, by the service's deployment strategy and tags.
import type { Node, Service } from '../../domain/index.js';
import type { Sim } from './context.js';

/** Deployed nodes of the namespace that carry every tag of the service. */
export function eligibleNodes(sim: Sim, namespace: string, service: Service): Node[] {
  const wanted = service.tags.map((t) => t.name);
  return sim.world.nodes(namespace).filter((node) =>
    node.state === 'Deployed' && wanted.every((tag) => node.tags.some((t) => t.name === tag)));
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
