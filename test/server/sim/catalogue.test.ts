import { describe, it, expect } from 'vitest';
import { buildCatalogue, findByUri, registriesFor } from '../../../src/server/sim/catalogue.js';
import { parsePath } from '../../../src/domain/uri.js';

const cat = buildCatalogue();

describe('buildCatalogue', () => {
  it('is deterministic', () => {
    expect(buildCatalogue()).toEqual(cat);
  });

  it('has the six providers, byon with one region and one node type', () => {
    expect(cat.providers.map((p) => p.name)).toEqual(['digitalocean', 'aws', 'azure', 'packet', 'softlayer', 'byon']);
    const byon = cat.providers.find((p) => p.name === 'byon')!;
    expect(byon.label).toBe('Bring Your Own Node');
    expect(byon.regions).toHaveLength(1);
    expect(cat.nodeTypes.filter((t) => t.provider === byon.resource_uri).map((t) => t.name)).toEqual(['byon']);
  });

  it('offers the well-known regions and node types', () => {
    const names = (provider: string, list: { provider: string; name: string }[]): string[] =>
      list.filter((x) => x.provider === `/api/infra/v1/provider/${provider}/`).map((x) => x.name);
    expect(names('aws', cat.regions)).toEqual(expect.arrayContaining(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'sa-east-1']));
    expect(names('digitalocean', cat.regions)).toEqual(expect.arrayContaining(['ams2', 'lon1', 'nyc1', 'nyc3', 'sfo1', 'sgp1']));
    expect(names('azure', cat.regions)).toEqual(expect.arrayContaining(['east-us', 'west-europe']));
    expect(names('packet', cat.regions)).toEqual(['ewr1', 'sjc1', 'ams1']);
    expect(names('softlayer', cat.regions)).toEqual(expect.arrayContaining(['dal05', 'lon02']));
    expect(names('digitalocean', cat.nodeTypes)).toEqual(['512mb', '1gb', '2gb', '4gb', '8gb', '16gb']);
    expect(names('aws', cat.nodeTypes)).toEqual(expect.arrayContaining(['t2.micro', 't2.small', 't2.medium', 'm4.large', 'm4.xlarge', 'c4.large']));
    expect(names('packet', cat.nodeTypes)).toEqual(expect.arrayContaining(['baremetal_0', 'baremetal_1']));
    expect(names('softlayer', cat.nodeTypes)).toContain('1x1gb');
  });

  it('gives every node type a size', () => {
    for (const t of cat.nodeTypes) {
      expect(Number.isInteger(t.cpu) && t.cpu > 0, t.resource_uri).toBe(true);
      expect(Number.isInteger(t.memory) && t.memory >= 512, t.resource_uri).toBe(true);
    }
    expect(findByUri(cat.nodeTypes, '/api/infra/v1/nodetype/digitalocean/2gb/')).toMatchObject({ cpu: 2, memory: 2048 });
  });

  it('has unique resource URIs', () => {
    const uris = [...cat.providers, ...cat.regions, ...cat.azs, ...cat.nodeTypes].map((x) => x.resource_uri);
    expect(new Set(uris).size).toBe(uris.length);
  });

  it('links providers and regions both ways', () => {
    for (const p of cat.providers) {
      for (const uri of p.regions) expect(findByUri(cat.regions, uri)?.provider, uri).toBe(p.resource_uri);
    }
    for (const r of cat.regions) expect(findByUri(cat.providers, r.provider)?.regions, r.resource_uri).toContain(r.resource_uri);
  });

  it('links regions and node types both ways', () => {
    for (const r of cat.regions) {
      expect(r.node_types.length, r.resource_uri).toBeGreaterThan(0);
      for (const uri of r.node_types) {
        const t = findByUri(cat.nodeTypes, uri);
        expect(t, uri).toBeDefined();
        expect(t!.provider).toBe(r.provider);
        expect(t!.regions).toContain(r.resource_uri);
      }
    }
    for (const t of cat.nodeTypes) {
      for (const uri of t.regions) expect(findByUri(cat.regions, uri)?.node_types, uri).toContain(t.resource_uri);
    }
  });

  it('gives availability zones to aws only, linked to their regions', () => {
    const aws = '/api/infra/v1/provider/aws/';
    for (const r of cat.regions) {
      if (r.provider === aws) expect(r.availability_zones.length).toBeGreaterThanOrEqual(2);
      else expect(r.availability_zones).toEqual([]);
      for (const uri of r.availability_zones) expect(findByUri(cat.azs, uri)?.region).toBe(r.resource_uri);
    }
    for (const az of cat.azs) {
      const region = findByUri(cat.regions, az.region);
      expect(region?.provider, az.resource_uri).toBe(aws);
      expect(region!.availability_zones).toContain(az.resource_uri);
      expect(az.name.startsWith(region!.name)).toBe(true);
    }
    expect(cat.azs.map((z) => z.name)).toContain('us-east-1a');
    for (const t of cat.nodeTypes) {
      const expected = t.regions.flatMap((uri) => findByUri(cat.regions, uri)!.availability_zones);
      expect(t.availability_zones, t.resource_uri).toEqual(expected);
    }
  });

  it('builds URIs that parse to the right kind and primary key', () => {
    for (const p of cat.providers) expect(parsePath(p.resource_uri)).toMatchObject({ kind: 'provider', namespace: null, pk: [p.name], rest: [] });
    for (const r of cat.regions) {
      const provider = findByUri(cat.providers, r.provider)!.name;
      expect(parsePath(r.resource_uri)).toMatchObject({ kind: 'region', pk: [provider, r.name], rest: [] });
    }
    for (const t of cat.nodeTypes) {
      const provider = findByUri(cat.providers, t.provider)!.name;
      expect(parsePath(t.resource_uri)).toMatchObject({ kind: 'nodetype', pk: [provider, t.name], rest: [] });
    }
    for (const az of cat.azs) {
      const region = findByUri(cat.regions, az.region)!;
      expect(parsePath(az.resource_uri)).toMatchObject({ kind: 'az', pk: ['aws', region.name, az.name], rest: [] });
    }
  });

  it('marks at most one region unavailable and everything else available', () => {
    expect(cat.regions.filter((r) => !r.available).length).toBeLessThanOrEqual(1);
    expect(cat.providers.every((p) => p.available)).toBe(true);
    expect(cat.nodeTypes.every((t) => t.available)).toBe(true);
  });
});

describe('registriesFor', () => {
  it('lists Docker Hub and a private registry under the namespace', () => {
    const [hub, own, ...more] = registriesFor('alice');
    expect(more).toEqual([]);
    expect(hub).toEqual({
      resource_uri: '/api/repo/v1/alice/registry/registry-1.docker.io/', name: 'Docker Hub', host: 'registry-1.docker.io',
      is_docker_registry: true, is_ssl: true, port: 443,
    });
    expect(own).toMatchObject({ host: 'registry.sim.local', is_docker_registry: false });
    expect(parsePath(own!.resource_uri)).toMatchObject({ kind: 'registry', namespace: 'alice', pk: ['registry.sim.local'] });
  });
});
