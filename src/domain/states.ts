// The state tables of the reference, and which operations each state allows.
// Where the reference's table and its endpoint text disagree, the endpoint text wins and says so here.

export const ACTION_STATES = ['Pending', 'In progress', 'Canceling', 'Canceled', 'Success', 'Failed'] as const;
export const NODECLUSTER_STATES = [
  'Init', 'Deploying', 'Deployed', 'Partly deployed', 'Scaling', 'Terminating', 'Terminated', 'Empty cluster',
] as const;
export const NODE_STATES = ['Deploying', 'Deployed', 'Unreachable', 'Upgrading', 'Terminating', 'Terminated'] as const;
export const STACK_STATES = [
  'Not Running', 'Starting', 'Running', 'Partly running', 'Stopping', 'Stopped', 'Redeploying', 'Terminating', 'Terminated',
] as const;
export const SERVICE_STATES = [
  'Not running', 'Starting', 'Running', 'Partly running', 'Scaling', 'Redeploying', 'Stopping', 'Stopped', 'Terminating',
  'Terminated',
] as const;
export const CONTAINER_STATES = ['Starting', 'Running', 'Stopping', 'Stopped', 'Terminating', 'Terminated'] as const;

export type ActionState = (typeof ACTION_STATES)[number];
export type NodeClusterState = (typeof NODECLUSTER_STATES)[number];
export type NodeState = (typeof NODE_STATES)[number];
export type StackState = (typeof STACK_STATES)[number];
export type ServiceState = (typeof SERVICE_STATES)[number];
export type ContainerState = (typeof CONTAINER_STATES)[number];

/** Operations a client can ask of an object; `update` is PATCH, `terminate` is DELETE. */
export type Operation =
  | 'start' | 'stop' | 'redeploy' | 'terminate' | 'scale' | 'update'
  | 'deploy' | 'docker-upgrade' | 'health-check'
  | 'cancel' | 'retry';

/** Operation → the states in which it is allowed. An operation absent from a kind's table is not offered at all. */
export type OperationTable = Partial<Record<Operation, readonly string[]>>;

export const NODECLUSTER_OPERATIONS: OperationTable = {
  deploy: ['Init'],
  terminate: ['Init', 'Deployed', 'Partly deployed', 'Empty cluster'],
  // PATCH target_num_nodes scales; the table lists no state for it, so it goes where terminate may (not while busy).
  update: ['Init', 'Deployed', 'Partly deployed', 'Empty cluster'],
};

export const NODE_OPERATIONS: OperationTable = {
  terminate: ['Deployed', 'Unreachable'],
  'docker-upgrade': ['Deployed'],
  'health-check': ['Unreachable', 'Deployed'],
  update: ['Deploying', 'Deployed', 'Unreachable', 'Upgrading'],
};

export const STACK_OPERATIONS: OperationTable = {
  // The table omits stop, but the reference has a stop endpoint: allowed wherever something runs.
  start: ['Not Running', 'Stopped', 'Partly running'],
  stop: ['Running', 'Partly running'],
  redeploy: ['Running', 'Partly running', 'Stopped'],
  terminate: ['Not Running', 'Running', 'Partly running', 'Stopped'],
  update: ['Not Running', 'Running', 'Partly running', 'Stopped'],
};

export const SERVICE_OPERATIONS: OperationTable = {
  // "Starts all containers in a stopped or partly running service" (the endpoint text) adds Partly running.
  start: ['Not running', 'Stopped', 'Partly running'],
  stop: ['Running', 'Partly running'],
  redeploy: ['Running', 'Partly running', 'Stopped'],
  terminate: ['Not running', 'Running', 'Partly running', 'Stopped'],
  scale: ['Not running', 'Running', 'Partly running', 'Stopped'],
  update: ['Not running', 'Running', 'Partly running', 'Stopped'],
};

export const CONTAINER_OPERATIONS: OperationTable = {
  start: ['Stopped'],
  stop: ['Running'],
  redeploy: ['Running', 'Stopped'],
  terminate: ['Running', 'Stopped'],
};

export const ACTION_OPERATIONS: OperationTable = {
  cancel: ['Pending', 'In progress'],
  retry: ['Success', 'Failed', 'Canceled'],
};

/** How a state reads at a glance; the monitor maps these to colours and symbols. */
export type StateClass = 'running' | 'transition' | 'stopped' | 'failed' | 'terminated' | 'unknown';

const STATE_CLASS: Record<string, StateClass> = {
  Running: 'running', 'Partly running': 'running', Deployed: 'running', 'Partly deployed': 'running', Success: 'running',
  Init: 'stopped', Stopped: 'stopped', 'Not running': 'stopped', 'Not Running': 'stopped', 'Empty cluster': 'stopped',
  Canceled: 'stopped',
  Starting: 'transition', Stopping: 'transition', Scaling: 'transition', Terminating: 'transition', Deploying: 'transition',
  Redeploying: 'transition', Upgrading: 'transition', Pending: 'transition', 'In progress': 'transition',
  Canceling: 'transition',
  Terminated: 'terminated',
  Unreachable: 'failed', Failed: 'failed',
};

export function stateClass(state: string): StateClass {
  return STATE_CLASS[state] ?? 'unknown';
}

export function allows(table: OperationTable, op: Operation, state: string): boolean {
  return table[op]?.includes(state) ?? false;
}
