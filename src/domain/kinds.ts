// The table of kinds: everything the server and the client need to know about each resource of the reference.
// Adding a kind is one entry here (plus, at most, a backend handler and a pane's columns).
import {
  ACTION_OPERATIONS, ACTION_STATES, CONTAINER_OPERATIONS, CONTAINER_STATES, NODE_OPERATIONS, NODE_STATES,
  NODECLUSTER_OPERATIONS, NODECLUSTER_STATES, SERVICE_OPERATIONS, SERVICE_STATES, STACK_OPERATIONS, STACK_STATES,
  type OperationTable,
} from './states.js';

export type Subsystem = 'app' | 'infra' | 'audit' | 'repo';

export type KindName =
  | 'action' | 'provider' | 'region' | 'az' | 'nodetype' | 'nodecluster' | 'node'
  | 'registry' | 'repository' | 'stack' | 'service' | 'container' | 'trigger';

/** How a list filter compares a query value with an object's field. */
export type FilterMatch =
  | 'eq'        // field === value
  | 'bool'      // field === (value is true/True/1)
  | 'contains'  // array field includes value
  | 'gte' | 'lte'; // dates

export interface FilterSpec { param: string; field: string; match: FilterMatch }

export interface KindSpec {
  kind: KindName;
  subsystem: Subsystem;
  /** The path segment of the collection. */
  resource: string;
  /** Human name, as in action names ("Service Start"). */
  label: string;
  /** The primary key field, and how many path segments it takes ('rest': all that remain, for repository names). */
  pk: 'uuid' | 'name' | 'host';
  pkSegments: number | 'rest';
  namespaced: boolean;
  /** List filters of the reference, beyond uuid__startswith and name which every list takes. */
  filters: readonly FilterSpec[];
  states: readonly string[];
  operations: OperationTable;
  /**
   * The event hierarchy: each parent is reached from the object by following URI fields in order
   * (a container's node cluster is container.node → node.node_cluster).
   */
  parents: readonly (readonly string[])[];
  /** Whether create and state changes of this kind are published on the events stream. */
  evented: boolean;
  /** Actions are listed newest first, everything else in creation order. */
  newestFirst: boolean;
}

const eq = (param: string, field = param): FilterSpec => ({ param, field, match: 'eq' });

export const KINDS: Record<KindName, KindSpec> = {
  action: {
    kind: 'action', subsystem: 'audit', resource: 'action', label: 'Action', pk: 'uuid', pkSegments: 1,
    namespaced: false, states: ACTION_STATES, operations: ACTION_OPERATIONS, evented: true, newestFirst: true,
    parents: [['object']],
    filters: [
      eq('uuid'), eq('state'), eq('object'),
      { param: 'start_date__gte', field: 'start_date', match: 'gte' },
      { param: 'start_date__lte', field: 'start_date', match: 'lte' },
      { param: 'end_date__gte', field: 'end_date', match: 'gte' },
      { param: 'end_date__lte', field: 'end_date', match: 'lte' },
    ],
  },
  provider: {
    kind: 'provider', subsystem: 'infra', resource: 'provider', label: 'Provider', pk: 'name', pkSegments: 1,
    namespaced: false, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [],
  },
  region: {
    kind: 'region', subsystem: 'infra', resource: 'region', label: 'Region', pk: 'name', pkSegments: 2,
    namespaced: false, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [eq('provider')],
  },
  az: {
    kind: 'az', subsystem: 'infra', resource: 'az', label: 'Availability zone', pk: 'name', pkSegments: 3,
    namespaced: false, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [eq('region')],
  },
  nodetype: {
    kind: 'nodetype', subsystem: 'infra', resource: 'nodetype', label: 'Node type', pk: 'name', pkSegments: 2,
    namespaced: false, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [
      eq('provider'),
      { param: 'regions', field: 'regions', match: 'contains' },
      { param: 'availability_zones', field: 'availability_zones', match: 'contains' },
    ],
  },
  nodecluster: {
    kind: 'nodecluster', subsystem: 'infra', resource: 'nodecluster', label: 'Node Cluster', pk: 'uuid',
    pkSegments: 1, namespaced: true, states: NODECLUSTER_STATES, operations: NODECLUSTER_OPERATIONS, evented: true,
    newestFirst: false, parents: [],
    filters: [eq('uuid'), eq('state'), eq('region'), eq('node_type')],
  },
  node: {
    kind: 'node', subsystem: 'infra', resource: 'node', label: 'Node', pk: 'uuid', pkSegments: 1, namespaced: true,
    states: NODE_STATES, operations: NODE_OPERATIONS, evented: true, newestFirst: false, parents: [['node_cluster']],
    filters: [eq('uuid'), eq('state'), eq('node_cluster'), eq('node_type'), eq('region'), eq('docker_version')],
  },
  registry: {
    kind: 'registry', subsystem: 'repo', resource: 'registry', label: 'Registry', pk: 'host', pkSegments: 1,
    namespaced: true, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [eq('uuid'), eq('host'), { param: 'is_docker_registry', field: 'is_docker_registry', match: 'bool' }],
  },
  repository: {
    kind: 'repository', subsystem: 'repo', resource: 'repository', label: 'Repository', pk: 'name',
    pkSegments: 'rest', namespaced: true, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [eq('registry')],
  },
  stack: {
    kind: 'stack', subsystem: 'app', resource: 'stack', label: 'Stack', pk: 'uuid', pkSegments: 1, namespaced: true,
    states: STACK_STATES, operations: STACK_OPERATIONS, evented: true, newestFirst: false, parents: [],
    filters: [eq('uuid'), eq('state')],
  },
  service: {
    kind: 'service', subsystem: 'app', resource: 'service', label: 'Service', pk: 'uuid', pkSegments: 1,
    namespaced: true, states: SERVICE_STATES, operations: SERVICE_OPERATIONS, evented: true, newestFirst: false,
    parents: [['stack']],
    filters: [eq('uuid'), eq('state'), eq('stack')],
  },
  container: {
    kind: 'container', subsystem: 'app', resource: 'container', label: 'Container', pk: 'uuid', pkSegments: 1,
    namespaced: true, states: CONTAINER_STATES, operations: CONTAINER_OPERATIONS, evented: true, newestFirst: false,
    parents: [['service'], ['service', 'stack'], ['node'], ['node', 'node_cluster']],
    filters: [eq('uuid'), eq('state'), eq('service'), eq('node')],
  },
  trigger: {
    // Triggers live under their service: /api/app/v1/[ns/]service/<uuid>/trigger/[<uuid>/]
    kind: 'trigger', subsystem: 'app', resource: 'trigger', label: 'Trigger', pk: 'uuid', pkSegments: 1,
    namespaced: true, states: [], operations: {}, evented: false, newestFirst: false, parents: [],
    filters: [eq('uuid'), eq('operation')],
  },
};

export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** The kinds the monitor shows and the store mirrors, in their natural top-down order. */
export const LIVE_KINDS: readonly KindName[] = ['nodecluster', 'node', 'stack', 'service', 'container', 'action'];

export function kindOfResource(subsystem: string, resource: string): KindSpec | undefined {
  for (const spec of Object.values(KINDS)) {
    if (spec.subsystem === subsystem && spec.resource === resource && spec.kind !== 'trigger') return spec;
  }
  return undefined;
}

/** A v4 UUID, as the official clients test for ("is this a full identifier?"). */
export const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;
