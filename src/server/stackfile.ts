// A stack as a stack file (GET <stack>/export/): the Docker Cloud format the CLI reads back, for any backend.
import type { Service } from '../domain/index.js';

export function stackFile(services: readonly Service[], nameOf: (serviceUri: string) => string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of services) {
    const entry: Record<string, unknown> = { image: s.image_name };
    if (s.target_num_containers !== 1) entry['target_num_containers'] = s.target_num_containers;
    const published = s.container_ports.filter((p) => p.published);
    const exposed = s.container_ports.filter((p) => !p.published);
    const portSpec = (p: (typeof s.container_ports)[number]) =>
      `${p.outer_port !== null ? `${p.outer_port}:` : ''}${p.inner_port}${p.protocol === 'udp' ? '/udp' : ''}`;
    if (published.length) entry['ports'] = published.map(portSpec);
    if (exposed.length) entry['expose'] = exposed.map((p) => p.inner_port);
    if (s.container_envvars.length) entry['environment'] = Object.fromEntries(s.container_envvars.map((e) => [e.key, e.value]));
    if (s.linked_to_service.length) {
      entry['links'] = s.linked_to_service.map((l) => {
        const name = nameOf(l.to_service) ?? l.to_service;
        return l.name && l.name !== name ? `${name}:${l.name}` : name;
      });
    }
    const volumes = s.bindings.filter((b) => b.container_path);
    if (volumes.length) {
      entry['volumes'] = volumes.map((b) => `${b.host_path ? `${b.host_path}:` : ''}${b.container_path}${b.rewritable ? '' : ':ro'}`);
    }
    const from = s.bindings.filter((b) => b.volumes_from).map((b) => nameOf(b.volumes_from!));
    if (from.length) entry['volumes_from'] = from;
    if (s.run_command) entry['command'] = s.run_command;
    if (s.entrypoint) entry['entrypoint'] = s.entrypoint;
    if (s.autorestart !== 'OFF') entry['autorestart'] = s.autorestart;
    if (s.autodestroy !== 'OFF') entry['autodestroy'] = s.autodestroy;
    if (s.deployment_strategy !== 'EMPTIEST_NODE') entry['deployment_strategy'] = s.deployment_strategy;
    if (s.sequential_deployment) entry['sequential_deployment'] = true;
    if (s.tags.length) entry['tags'] = s.tags.map((t) => t.name);
    if (s.roles.length) entry['roles'] = s.roles;
    if (s.privileged) entry['privileged'] = true;
    if (s.net !== 'bridge') entry['net'] = s.net;
    if (s.pid !== 'none') entry['pid'] = s.pid;
    if (s.working_dir !== '/') entry['working_dir'] = s.working_dir;
    if (s.autoredeploy) entry['autoredeploy'] = true;
    out[s.name] = entry;
  }
  return out;
}
