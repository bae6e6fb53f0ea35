// The simulated cloud catalogue: providers, regions, availability zones, node types and registries.
// Everything is derived from the static tables below, so the catalogue is the same on every call and
// the cross references (region ⇄ node type, region ⇄ availability zone, provider → region) always agree.
import type { AvailabilityZone, NodeType, Provider, Region, Registry } from '../../domain/types.js';
import { objectUri } from '../../domain/uri.js';

export interface Catalogue {
  providers: Provider[];
  regions: Region[];
  azs: AvailabilityZone[];
  nodeTypes: NodeType[];
}

interface RegionSpec {
  name: string;
  label: string;
  /** Availability zone suffixes (aws only): 'a' → us-east-1a. */
  zones?: readonly string[];
  available?: boolean;
}

interface NodeTypeSpec {
  name: string;
  label: string;
  cpu: number;
  /** MB */
  memory: number;
  /** Regions where the type is not offered (all others offer it). */
  except?: readonly string[];
}

interface ProviderSpec {
  name: string;
  label: string;
  regions: readonly RegionSpec[];
  nodeTypes: readonly NodeTypeSpec[];
}

const PROVIDERS: readonly ProviderSpec[] = [
  {
    name: 'digitalocean',
    label: 'Digital Ocean',
    regions: [
      { name: 'ams2', label: 'Amsterdam 2' },
      { name: 'ams3', label: 'Amsterdam 3' },
      { name: 'fra1', label: 'Frankfurt 1' },
      { name: 'lon1', label: 'London 1' },
      { name: 'nyc1', label: 'New York 1' },
      // Closed to new droplets, as nyc2 was in its time: the one unavailable region of the catalogue.
      { name: 'nyc2', label: 'New York 2', available: false },
      { name: 'nyc3', label: 'New York 3' },
      { name: 'sfo1', label: 'San Francisco 1' },
      { name: 'sgp1', label: 'Singapore 1' },
    ],
    nodeTypes: [
      { name: '512mb', label: '512MB', cpu: 1, memory: 512 },
      { name: '1gb', label: '1GB', cpu: 1, memory: 1024 },
      { name: '2gb', label: '2GB', cpu: 2, memory: 2048 },
      { name: '4gb', label: '4GB', cpu: 2, memory: 4096 },
      { name: '8gb', label: '8GB', cpu: 4, memory: 8192 },
      { name: '16gb', label: '16GB', cpu: 8, memory: 16384, except: ['nyc2', 'sgp1'] },
    ],
  },
  {
    name: 'aws',
    label: 'Amazon Web Services',
    regions: [
      { name: 'us-east-1', label: 'US East (N. Virginia)', zones: ['a', 'b', 'c'] },
      { name: 'us-west-2', label: 'US West (Oregon)', zones: ['a', 'b', 'c'] },
      { name: 'eu-west-1', label: 'EU (Ireland)', zones: ['a', 'b', 'c'] },
      { name: 'eu-central-1', label: 'EU (Frankfurt)', zones: ['a', 'b'] },
      { name: 'ap-northeast-1', label: 'Asia Pacific (Tokyo)', zones: ['a', 'c'] },
      { name: 'ap-southeast-2', label: 'Asia Pacific (Sydney)', zones: ['a', 'b', 'c'] },
      { name: 'sa-east-1', label: 'South America (São Paulo)', zones: ['a', 'c'] },
    ],
    nodeTypes: [
      { name: 't2.nano', label: 'T2 Nano', cpu: 1, memory: 512 },
      { name: 't2.micro', label: 'T2 Micro', cpu: 1, memory: 1024 },
      { name: 't2.small', label: 'T2 Small', cpu: 1, memory: 2048 },
      { name: 't2.medium', label: 'T2 Medium', cpu: 2, memory: 4096 },
      { name: 'm4.large', label: 'M4 Large', cpu: 2, memory: 8192 },
      { name: 'm4.xlarge', label: 'M4 Extra Large', cpu: 4, memory: 16384 },
      { name: 'c4.large', label: 'C4 Large', cpu: 2, memory: 3840, except: ['sa-east-1'] },
      { name: 'c4.xlarge', label: 'C4 Extra Large', cpu: 4, memory: 7680, except: ['sa-east-1', 'ap-southeast-2'] },
    ],
  },
  {
    name: 'azure',
    label: 'Microsoft Azure',
    regions: [
      { name: 'east-us', label: 'East US' },
      { name: 'west-us', label: 'West US' },
      { name: 'north-europe', label: 'North Europe' },
      { name: 'west-europe', label: 'West Europe' },
      { name: 'east-asia', label: 'East Asia' },
      { name: 'japan-east', label: 'Japan East' },
    ],
    nodeTypes: [
      { name: 'extrasmall', label: 'Extra Small (A0)', cpu: 1, memory: 768 },
      { name: 'small', label: 'Small (A1)', cpu: 1, memory: 1792 },
      { name: 'medium', label: 'Medium (A2)', cpu: 2, memory: 3584 },
      { name: 'large', label: 'Large (A3)', cpu: 4, memory: 7168 },
      { name: 'extralarge', label: 'Extra Large (A4)', cpu: 8, memory: 14336, except: ['east-asia', 'japan-east'] },
    ],
  },
  {
    name: 'packet',
    label: 'Packet',
    regions: [
      { name: 'ewr1', label: 'Parsippany, NJ' },
      { name: 'sjc1', label: 'Sunnyvale, CA' },
      { name: 'ams1', label: 'Amsterdam, NL' },
    ],
    nodeTypes: [
      { name: 'baremetal_0', label: 'Type 0', cpu: 4, memory: 8192 },
      { name: 'baremetal_1', label: 'Type 1', cpu: 4, memory: 32768 },
      { name: 'baremetal_3', label: 'Type 3', cpu: 16, memory: 131072, except: ['ams1'] },
    ],
  },
  {
    name: 'softlayer',
    label: 'IBM SoftLayer',
    regions: [
      { name: 'dal05', label: 'Dallas 5' },
      { name: 'dal09', label: 'Dallas 9' },
      { name: 'wdc01', label: 'Washington 1' },
      { name: 'lon02', label: 'London 2' },
      { name: 'ams01', label: 'Amsterdam 1' },
      { name: 'sng01', label: 'Singapore 1' },
    ],
    nodeTypes: [
      { name: '1x1gb', label: '1 core, 1GB', cpu: 1, memory: 1024 },
      { name: '1x2gb', label: '1 core, 2GB', cpu: 1, memory: 2048 },
      { name: '2x4gb', label: '2 cores, 4GB', cpu: 2, memory: 4096 },
      { name: '4x8gb', label: '4 cores, 8GB', cpu: 4, memory: 8192 },
      { name: '8x16gb', label: '8 cores, 16GB', cpu: 8, memory: 16384, except: ['sng01'] },
    ],
  },
  {
    // Nodes the user brings: one pseudo region and one pseudo type; the size is whatever the machine has,
    // so cpu and memory are only a typical small server.
    name: 'byon',
    label: 'Bring Your Own Node',
    regions: [{ name: 'byon', label: 'Bring Your Own Node' }],
    nodeTypes: [{ name: 'byon', label: 'Bring Your Own Node', cpu: 1, memory: 1024 }],
  },
];

/** The whole catalogue, built afresh (callers may mutate their copy). */
export function buildCatalogue(): Catalogue {
  const catalogue: Catalogue = { providers: [], regions: [], azs: [], nodeTypes: [] };
  for (const p of PROVIDERS) {
    const providerUri = objectUri('provider', null, p.name);
    const regionUri = (region: string): string => objectUri('region', null, [p.name, region]);
    const typeUri = (type: string): string => objectUri('nodetype', null, [p.name, type]);
    const zonesOf = (r: RegionSpec): string[] =>
      (r.zones ?? []).map((suffix) => objectUri('az', null, [p.name, r.name, `${r.name}${suffix}`]));
    const offered = (t: NodeTypeSpec, r: RegionSpec): boolean => !(t.except ?? []).includes(r.name);

    catalogue.providers.push({
      resource_uri: providerUri,
      name: p.name,
      label: p.label,
      regions: p.regions.map((r) => regionUri(r.name)),
      available: true,
    });
    for (const r of p.regions) {
      const available = r.available ?? true;
      catalogue.regions.push({
        resource_uri: regionUri(r.name),
        name: r.name,
        label: r.label,
        node_types: p.nodeTypes.filter((t) => offered(t, r)).map((t) => typeUri(t.name)),
        availability_zones: zonesOf(r),
        provider: providerUri,
        available,
      });
      for (const suffix of r.zones ?? []) {
        const name = `${r.name}${suffix}`;
        catalogue.azs.push({
          resource_uri: objectUri('az', null, [p.name, r.name, name]),
          name,
          region: regionUri(r.name),
          available,
        });
      }
    }
    for (const t of p.nodeTypes) {
      const regions = p.regions.filter((r) => offered(t, r));
      catalogue.nodeTypes.push({
        resource_uri: typeUri(t.name),
        name: t.name,
        label: t.label,
        regions: regions.map((r) => regionUri(r.name)),
        availability_zones: regions.flatMap(zonesOf),
        provider: providerUri,
        available: true,
        cpu: t.cpu,
        memory: t.memory,
      });
    }
  }
  return catalogue;
}

/** The registries a namespace sees: Docker Hub and the simulation's own private registry. */
export function registriesFor(namespace: string): Registry[] {
  const registry = (name: string, host: string, isDocker: boolean, port: number): Registry => ({
    resource_uri: objectUri('registry', namespace, host),
    name,
    host,
    is_docker_registry: isDocker,
    is_ssl: true,
    port,
  });
  return [
    registry('Docker Hub', 'registry-1.docker.io', true, 443),
    registry('Simulated private registry', 'registry.sim.local', false, 5000),
  ];
}

/** The object of a list with the given resource URI. */
export function findByUri<T extends { resource_uri: string }>(list: readonly T[], uri: string): T | undefined {
  return list.find((item) => item.resource_uri === uri);
}
