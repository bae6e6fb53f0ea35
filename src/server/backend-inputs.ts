// What a backend receives to create or update an object: the bodies of the API, validated and normalized by the
// routes (inputs.ts parses them), in the reference's own field names.
import type {
  AutoDestroy, AutoRestart, DeploymentStrategy, EnvVar, ProviderOptions, Tag, TriggerOperation,
} from '../domain/index.js';

export interface PortInput { protocol: 'tcp' | 'udp'; inner_port: number; outer_port: number | null; published: boolean }
/** `to_service` is a service URI, or inside a stack body the name of another service of the stack. */
export interface LinkInput { to_service: string; name: string | null }
export interface BindingInput {
  host_path: string | null; container_path: string | null; rewritable: boolean;
  /** a service URI, or inside a stack body a service name */
  volumes_from: string | null;
}

export interface ServiceSpec {
  image: string;
  name: string;
  nickname: string | null;
  target_num_containers: number;
  run_command: string | null;
  entrypoint: string | null;
  container_ports: PortInput[];
  container_envvars: EnvVar[];
  linked_to_service: LinkInput[];
  bindings: BindingInput[];
  autorestart: AutoRestart;
  autodestroy: AutoDestroy;
  sequential_deployment: boolean;
  roles: string[];
  privileged: boolean;
  deployment_strategy: DeploymentStrategy;
  tags: Tag[];
  autoredeploy: boolean;
  net: 'bridge' | 'host';
  pid: 'none' | 'host';
  working_dir: string;
  cpu_shares: number | null;
  cpuset: string | null;
  memory: number | null;
  memory_swap: number | null;
  labels: Record<string, string>;
  hostname: string | null;
  domainname: string | null;
  user: string;
  cap_add: string[];
  cap_drop: string[];
  dns: string[];
  dns_search: string[];
  devices: string[];
  extra_hosts: string[];
  security_opt: string[];
  mac_address: string | null;
  read_only: boolean;
  tty: boolean;
  stdin_open: boolean;
}

export type ServiceUpdate = Partial<ServiceSpec>;

export interface StackCreate { name: string; nickname: string | null; services: ServiceSpec[] }
/** Services are matched by name: new names are created, known ones updated, missing ones terminated. */
export interface StackUpdate { nickname?: string; services?: (ServiceUpdate & { name: string })[] }

export interface NodeClusterCreate {
  name: string; nickname: string | null; node_type: string; region: string; disk: number; target_num_nodes: number;
  tags: Tag[]; provider_options: ProviderOptions;
}
export interface NodeClusterUpdate { target_num_nodes?: number; tags?: Tag[]; nickname?: string }
export interface NodeUpdate { nickname?: string; tags?: Tag[] }
export interface RepositoryCreate { name: string; username: string; password: string }
export interface RepositoryUpdate { username?: string; password?: string }
export interface TriggerCreate { name: string; operation: TriggerOperation }

export interface CreateInputs {
  nodecluster: NodeClusterCreate;
  stack: StackCreate;
  service: ServiceSpec;
  repository: RepositoryCreate;
}
export interface UpdateInputs {
  nodecluster: NodeClusterUpdate;
  node: NodeUpdate;
  stack: StackUpdate;
  service: ServiceUpdate;
  repository: RepositoryUpdate;
}

