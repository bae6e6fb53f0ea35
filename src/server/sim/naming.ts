// Names the simulated cloud derives: DNS names, ports and their endpoints, environment and link variables.
import type {
  CalculatedEnvVar, Container, ContainerLink, ContainerPort, EnvVar, Service, ServicePort,
} from '../../domain/index.js';
import type { PortInput } from '../inputs.js';
import type { World } from './world.js';

const WELL_KNOWN_PORTS: Record<number, string> = {
  80: 'http', 443: 'https', 8080: 'http', 3000: 'http', 5000: 'http', 8000: 'http', 9000: 'http',
  3306: 'mysql', 5432: 'postgresql', 6379: 'redis', 27017: 'mongodb', 11211: 'memcache', 5672: 'amqp',
  9200: 'elasticsearch', 22: 'ssh', 53: 'domain', 25: 'smtp',
};

export function portName(port: number): string {
  return WELL_KNOWN_PORTS[port] ?? String(port);
}

function uriProtocol(port: number, protocol: string): string {
  const name = WELL_KNOWN_PORTS[port];
  return name === 'http' || name === 'https' ? name : protocol;
}

export function serviceDns(namespace: string, serviceName: string, stackName: string | undefined): string {
  return `${serviceName}.${stackName ? `${stackName}.` : ''}${namespace}.svc.dockerapp.io`;
}

export function containerDns(namespace: string, containerName: string, stackName: string | undefined): string {
  return `${containerName}.${stackName ? `${stackName}.` : ''}${namespace}.cont.dockerapp.io`;
}

export function servicePorts(ports: readonly PortInput[], publicDns: string): ServicePort[] {
  return ports.map((p) => ({
    protocol: p.protocol,
    inner_port: p.inner_port,
    outer_port: p.outer_port,
    port_name: portName(p.inner_port),
    endpoint_uri: p.published && p.outer_port !== null
      ? `${uriProtocol(p.inner_port, p.protocol)}://${publicDns}:${p.outer_port}/`
      : null,
    published: p.published,
  }));
}

/** A container's ports: published ports without a fixed outer port get one from the node (`nextPort`). */
export function containerPorts(service: Service, publicDns: string, nextPort: () => number): ContainerPort[] {
  return service.container_ports.map((p) => {
    const outer = p.published ? (p.outer_port ?? nextPort()) : null;
    const proto = uriProtocol(p.inner_port, p.protocol);
    return {
      protocol: p.protocol,
      inner_port: p.inner_port,
      outer_port: outer,
      port_name: p.port_name,
      uri_protocol: proto,
      endpoint_uri: outer !== null ? `${proto}://${publicDns}:${outer}/` : null,
      published: p.published,
    };
  });
}

/** The environment variables name prefix of a service or link alias: "web-app" → "WEB_APP". */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Variables a linked container sees for one container of this service (Docker's link variables). */
function containerLinkVariables(prefix: string, container: Container, env: readonly EnvVar[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const e of env) vars[`${prefix}_ENV_${e.key}`] = e.value;
  const first = container.container_ports[0];
  for (const p of container.container_ports) {
    const proto = p.protocol;
    const base = `${prefix}_PORT_${p.inner_port}_${proto.toUpperCase()}`;
    vars[base] = `${proto}://${container.private_ip}:${p.inner_port}`;
    vars[`${base}_ADDR`] = container.private_ip;
    vars[`${base}_PORT`] = String(p.inner_port);
    vars[`${base}_PROTO`] = proto;
  }
  if (first) vars[`${prefix}_PORT`] = `${first.protocol}://${container.private_ip}:${first.inner_port}`;
  return vars;
}

/** A service's link_variables: those of each container (NAME_1_…), and of the first one without the number. */
export function serviceLinkVariables(service: Service, containers: readonly Container[], apiBase: string): Record<string, string> {
  const prefix = envName(service.name);
  const vars: Record<string, string> = {};
  containers.forEach((c) => Object.assign(vars, containerLinkVariables(`${prefix}_${c.name.split('-').pop()}`, c, service.container_envvars)));
  if (containers[0]) Object.assign(vars, containerLinkVariables(prefix, containers[0], service.container_envvars));
  vars[`${prefix}_DOCKERCLOUD_API_URL`] = `${apiBase}${service.resource_uri}`;
  return vars;
}

export function containerLinkVariablesOf(service: Service, container: Container): Record<string, string> {
  return containerLinkVariables(envName(container.name), container, service.container_envvars);
}

/** Variables an image sets by itself, by image family. */
function imageEnv(image: string): EnvVar[] {
  const env: EnvVar[] = [{ key: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }];
  const name = image.split('/').pop()!.split(':')[0]!;
  if (/mysql|mariadb/.test(name)) env.push({ key: 'MYSQL_MAJOR', value: '5.7' });
  else if (/postgres/.test(name)) env.push({ key: 'PGDATA', value: '/var/lib/postgresql/data' });
  else if (/redis/.test(name)) env.push({ key: 'REDIS_VERSION', value: '3.2.12' });
  else if (/nginx/.test(name)) env.push({ key: 'NGINX_VERSION', value: '1.13.12' });
  else if (/node/.test(name)) env.push({ key: 'NODE_VERSION', value: '8.11.1' });
  return env;
}

/**
 * calculated_envvars: what a container of the service really gets, with where each variable comes from —
 * the image, Docker Cloud ("tutum": its own variables and those of linked services), and the user (last, winning).
 */
export function calculatedEnvvars(world: World, service: Service, apiBase: string): CalculatedEnvVar[] {
  const out = new Map<string, CalculatedEnvVar>();
  const put = (key: string, value: string, origin: CalculatedEnvVar['origin']) => out.set(key, { key, value, origin });
  for (const e of imageEnv(service.image_name)) put(e.key, e.value, 'image');
  put('DOCKERCLOUD_SERVICE_API_URI', service.resource_uri, 'tutum');
  put('DOCKERCLOUD_SERVICE_API_URL', `${apiBase}${service.resource_uri}`, 'tutum');
  put('DOCKERCLOUD_SERVICE_HOSTNAME', service.name, 'tutum');
  put('DOCKERCLOUD_SERVICE_FQDN', service.public_dns, 'tutum');
  const stack = world.stack(service.stack);
  if (stack) {
    put('DOCKERCLOUD_STACK_API_URI', stack.resource_uri, 'tutum');
    put('DOCKERCLOUD_STACK_API_URL', `${apiBase}${stack.resource_uri}`, 'tutum');
  }
  for (const link of service.linked_to_service) {
    const target = world.service(link.to_service);
    if (!target) continue;
    const alias = envName(link.name || target.name);
    for (const [key, value] of Object.entries(target.link_variables)) {
      put(key.replace(envName(target.name), alias), value, 'tutum');
    }
  }
  for (const e of service.container_envvars) put(e.key, e.value, 'user');
  return [...out.values()];
}

/** The links a new container of `service` gets: one per container of each linked service. */
export function containerLinks(world: World, service: Service, containerUri: string): ContainerLink[] {
  const links: ContainerLink[] = [];
  for (const link of service.linked_to_service) {
    const target = world.service(link.to_service);
    if (!target) continue;
    const alias = envName(link.name || target.name);
    for (const uri of target.containers) {
      const c = world.container(uri);
      if (!c) continue;
      const endpoints: Record<string, string> = {};
      for (const p of c.container_ports) endpoints[`${p.inner_port}/${p.protocol}`] = `${p.protocol}://${c.private_ip}:${p.inner_port}`;
      links.push({ name: `${alias}_${c.name.split('-').pop()}`, from_container: containerUri, to_container: c.resource_uri, endpoints });
    }
  }
  return links;
}
