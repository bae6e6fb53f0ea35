// What the docker backend knows of the engine: the engine's own objects as its API returns them (the fields we
// read), kept current by the mirror. Everything the Docker Cloud API shows is projected from this (project.ts).

export interface EngineInfo {
  ID: string;
  Name: string;
  ServerVersion: string;
  Driver: string;
  NCPU: number;
  MemTotal: number;
  OperatingSystem?: string;
  Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string; Cluster?: { ID?: string; CreatedAt?: string } };
}

export interface EngineContainer {
  Id: string;
  Name: string;
  Created: string;
  State: { Status: string; Running: boolean; ExitCode: number; Error?: string; StartedAt: string; FinishedAt: string; OOMKilled?: boolean };
  Config: {
    Image: string; Env: string[] | null; Cmd: string[] | null; Entrypoint: string[] | string | null; Labels: Record<string, string> | null;
    WorkingDir: string; User: string; Hostname: string; Tty: boolean; OpenStdin: boolean; ExposedPorts?: Record<string, object> | null;
  };
  HostConfig: {
    RestartPolicy?: { Name: string; MaximumRetryCount?: number }; PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
    Privileged?: boolean; NetworkMode?: string; Memory?: number; CpuShares?: number; AutoRemove?: boolean; Binds?: string[] | null;
    /** CPU limits: --cpus (NanoCpus), or a quota per period (µs). */
    NanoCpus?: number; CpuQuota?: number; CpuPeriod?: number;
  };
  NetworkSettings: { IPAddress?: string; Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null; Networks?: Record<string, { IPAddress?: string }> };
  Mounts?: Array<{ Source?: string; Destination: string; RW: boolean }>;
}

export interface SwarmNode {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: { Role: string; Availability: string; Labels?: Record<string, string>; Name?: string };
  Description: { Hostname: string; Resources?: { NanoCPUs?: number; MemoryBytes?: number }; Engine?: { EngineVersion?: string; Labels?: Record<string, string> } };
  Status: { State: string; Addr?: string; Message?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

export interface SwarmService {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    TaskTemplate: {
      ContainerSpec: { Image: string; Env?: string[]; Args?: string[]; Command?: string[]; Labels?: Record<string, string>; Dir?: string; User?: string; Hostname?: string; TTY?: boolean };
      RestartPolicy?: { Condition?: string; MaxAttempts?: number };
      ForceUpdate?: number;
      Resources?: { Limits?: { NanoCPUs?: number; MemoryBytes?: number } };
    };
    Mode: { Replicated?: { Replicas?: number }; Global?: object };
    EndpointSpec?: { Mode?: string; Ports?: Array<{ Protocol?: string; TargetPort: number; PublishedPort?: number; PublishMode?: string }> };
    UpdateConfig?: object;
  };
  Version: { Index: number };
  UpdateStatus?: { State?: string; Message?: string };
}

export interface SwarmTask {
  ID: string;
  CreatedAt: string;
  UpdatedAt: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Timestamp?: string; Message?: string; Err?: string; ContainerStatus?: { ContainerID?: string; ExitCode?: number } };
  NetworksAttachments?: Array<{ Addresses?: string[] }>;
}

export interface RawState {
  info: EngineInfo;
  /** Containers of this engine (in swarm mode: the manager's own, which carry task labels). */
  containers: Map<string, EngineContainer>;
  services: Map<string, SwarmService>;
  tasks: Map<string, SwarmTask>;
  nodes: Map<string, SwarmNode>;
  /** When the engine last answered (a node's last_seen). */
  seenAt: number;
}

/** Swarm mode: the engine is an active manager; else a plain engine. */
export function isSwarm(info: EngineInfo): boolean {
  return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
}

// Labels that carry the Docker Cloud structure.
export const LABEL = {
  composeProject: 'com.docker.compose.project',
  composeService: 'com.docker.compose.service',
  stackNamespace: 'com.docker.stack.namespace',
  /** A service dctop created on a plain engine (its containers carry it). */
  service: 'io.dctop.service',
  /** A stopped (or not yet started) swarm service remembers the replicas it is to have. */
  stoppedTarget: 'io.dctop.stopped-target',
  /** A service created and not started yet (Not running, where a stopped one is Stopped). */
  notStarted: 'io.dctop.not-started',
  /** A target set with PATCH, applied by the next scale (as the API's target_num_containers is). */
  target: 'io.dctop.target',
  /** What swarm puts on a task's container. */
  swarmTask: 'com.docker.swarm.task.id',
  swarmService: 'com.docker.swarm.service.id',
} as const;
