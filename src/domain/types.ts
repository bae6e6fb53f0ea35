// Wire types of every resource of the reference (plus the fields of wire-compat.md).
// Dates are RFC 2822 strings (see dates.ts); references to other objects are resource URIs.
import type {
  ActionState, ContainerState, NodeClusterState, NodeState, ServiceState, StackState,
} from './states.js';

export type Uri = string;
export type WireDate = string;

export interface Tag { name: string }
export interface EnvVar { key: string; value: string }
export interface CalculatedEnvVar extends EnvVar { origin: 'user' | 'image' | 'tutum' }

export interface Action {
  resource_uri: Uri;
  uuid: string;
  object: Uri;
  action: string;
  method: string;
  path: string;
  user: string;
  user_agent: string;
  start_date: WireDate;
  end_date: WireDate | null;
  state: ActionState;
  ip: string;
  location: string;
  is_user_action: boolean;
  can_be_canceled: boolean;
  can_be_retried: boolean;
}

export interface Provider {
  resource_uri: Uri;
  name: string;
  label: string;
  regions: Uri[];
  available: boolean;
}

export interface Region {
  resource_uri: Uri;
  name: string;
  label: string;
  node_types: Uri[];
  availability_zones: Uri[];
  provider: Uri;
  available: boolean;
}

export interface AvailabilityZone {
  resource_uri: Uri;
  name: string;
  region: Uri;
  available: boolean;
}

export interface NodeType {
  resource_uri: Uri;
  name: string;
  label: string;
  regions: Uri[];
  availability_zones: Uri[];
  provider: Uri;
  available: boolean;
  // Not in the reference, but what a scheduler and a node need to know about the size.
  cpu: number;
  memory: number;
}

export interface ProviderOptions {
  vpc?: { id: string; subnets?: string[]; security_groups?: string[] };
  iam?: { instance_profile_name: string };
}

export interface NodeCluster {
  resource_uri: Uri;
  uuid: string;
  name: string;
  nickname: string;
  state: NodeClusterState;
  node_type: Uri;
  disk: number;
  nodes: Uri[];
  region: Uri;
  target_num_nodes: number;
  current_num_nodes: number;
  deployed_datetime: WireDate | null;
  destroyed_datetime: WireDate | null;
  tags: Tag[];
  provider_options: ProviderOptions;
}

export interface Node {
  resource_uri: Uri;
  uuid: string;
  availability_zone: Uri | null;
  external_fqdn: string;
  nickname: string;
  state: NodeState;
  node_cluster: Uri | null;
  node_type: Uri | null;
  region: Uri | null;
  docker_execdriver: string;
  docker_graphdriver: string;
  docker_version: string;
  cpu: number;
  disk: number;
  memory: number;
  current_num_containers: number;
  last_seen: WireDate | null;
  public_ip: string;
  tunnel: string | null;
  deployed_datetime: WireDate | null;
  destroyed_datetime: WireDate | null;
  tags: Tag[];
}

export interface Registry {
  resource_uri: Uri;
  name: string;
  host: string;
  is_docker_registry: boolean;
  is_ssl: boolean;
  port: number;
}

export interface Repository {
  resource_uri: Uri;
  name: string;
  in_use: boolean;
  registry: Uri;
}

export interface Stack {
  resource_uri: Uri;
  uuid: string;
  name: string;
  nickname: string;
  state: StackState;
  synchronized: boolean;
  services: Uri[];
  deployed_datetime: WireDate | null;
  destroyed_datetime: WireDate | null;
}

export interface ServiceBinding {
  host_path: string | null;
  container_path: string | null;
  rewritable: boolean;
  volumes_from: Uri | null;
}

export interface ServicePort {
  protocol: 'tcp' | 'udp';
  inner_port: number;
  outer_port: number | null;
  port_name: string;
  endpoint_uri: string | null;
  published: boolean;
}

export interface ServiceLink { name: string; from_service: Uri; to_service: Uri }

export type AutoRestart = 'OFF' | 'ON_FAILURE' | 'ALWAYS';
export type AutoDestroy = 'OFF' | 'ON_SUCCESS' | 'ALWAYS';
export type DeploymentStrategy = 'EMPTIEST_NODE' | 'HIGH_AVAILABILITY' | 'EVERY_NODE';

/** What services and containers share: the launch configuration. */
export interface LaunchConfig {
  image_name: string;
  autorestart: AutoRestart;
  autodestroy: AutoDestroy;
  cap_add: string[];
  cap_drop: string[];
  container_envvars: EnvVar[];
  cpu_shares: number | null;
  cpuset: string | null;
  cgroup_parent: string | null;
  devices: string[];
  dns: string[];
  dns_search: string[];
  domainname: string | null;
  entrypoint: string;
  extra_hosts: string[];
  hostname: string | null;
  labels: Record<string, string>;
  link_variables: Record<string, string>;
  mac_address: string | null;
  memory: number | null;
  memory_swap: number | null;
  net: 'bridge' | 'host';
  pid: 'none' | 'host';
  privileged: boolean;
  read_only: boolean;
  roles: string[];
  run_command: string;
  security_opt: string[];
  stdin_open: boolean;
  tty: boolean;
  user: string;
  working_dir: string;
}

export interface Service extends LaunchConfig {
  resource_uri: Uri;
  uuid: string;
  name: string;
  nickname: string;
  state: ServiceState;
  synchronized: boolean;
  public_dns: string;
  deployed_datetime: WireDate | null;
  started_datetime: WireDate | null;
  stopped_datetime: WireDate | null;
  destroyed_datetime: WireDate | null;
  target_num_containers: number;
  current_num_containers: number;
  running_num_containers: number;
  stopped_num_containers: number;
  stack: Uri | null;
  containers: Uri[];
  container_ports: ServicePort[];
  calculated_envvars: CalculatedEnvVar[];
  linked_from_service: ServiceLink[];
  linked_to_service: ServiceLink[];
  bindings: ServiceBinding[];
  sequential_deployment: boolean;
  deployment_strategy: DeploymentStrategy;
  tags: Tag[];
  autoredeploy: boolean;
}

export interface ContainerBinding {
  host_path: string | null;
  container_path: string | null;
  rewritable: boolean;
  volume: Uri | null;
}

export interface ContainerPort {
  protocol: 'tcp' | 'udp';
  inner_port: number;
  outer_port: number | null;
  port_name: string;
  uri_protocol: string;
  endpoint_uri: string | null;
  published: boolean;
}

export interface ContainerLink {
  name: string;
  from_container: Uri;
  to_container: Uri;
  endpoints: Record<string, string>;
}

export interface Container extends LaunchConfig {
  resource_uri: Uri;
  uuid: string;
  name: string;
  docker_id: string;
  node: Uri | null;
  service: Uri;
  public_dns: string;
  state: ContainerState;
  synchronized: boolean;
  exit_code: number | null;
  exit_code_msg: string | null;
  deployed_datetime: WireDate | null;
  started_datetime: WireDate | null;
  stopped_datetime: WireDate | null;
  destroyed_datetime: WireDate | null;
  container_ports: ContainerPort[];
  bindings: ContainerBinding[];
  linked_to_container: ContainerLink[];
  private_ip: string;
}

export type TriggerOperation = 'REDEPLOY' | 'SCALEUP';

export interface Trigger {
  resource_uri: Uri;
  uuid: string;
  name: string;
  operation: TriggerOperation;
  url: string;
}

/** Every resource object has a resource_uri; most have a state. */
export interface WireObject { resource_uri: Uri; [field: string]: unknown }

export interface ListMeta {
  limit: number;
  offset: number;
  next: string | null;
  previous: string | null;
  total_count: number;
}

export interface ListPage<T> { meta: ListMeta; objects: T[] }

export interface ErrorBody { error: string }

/** The wire type of each kind, by its name in the kinds table. */
export interface WireOf {
  action: Action;
  provider: Provider;
  region: Region;
  az: AvailabilityZone;
  nodetype: NodeType;
  nodecluster: NodeCluster;
  node: Node;
  registry: Registry;
  repository: Repository;
  stack: Stack;
  service: Service;
  container: Container;
  trigger: Trigger;
}
