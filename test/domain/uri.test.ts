import { describe, expect, it } from 'vitest';
import {
  allows, collectionUri, eventsPath, KINDS, objectUri, parsePath, parseWireDate, SERVICE_OPERATIONS, stateClass,
  toIso8601, toRfc2822, triggerUri,
} from '../../src/domain/index.js';

describe('URIs', () => {
  it('builds object and collection URIs with the namespace only for namespaced kinds', () => {
    expect(objectUri('service', 'alice', 'abc')).toBe('/api/app/v1/alice/service/abc/');
    expect(objectUri('action', 'alice', 'abc')).toBe('/api/audit/v1/action/abc/');
    expect(objectUri('region', null, ['aws', 'us-east-1'])).toBe('/api/infra/v1/region/aws/us-east-1/');
    expect(collectionUri('nodecluster', null)).toBe('/api/infra/v1/nodecluster/');
    expect(triggerUri('/api/app/v1/a/service/s/', 't')).toBe('/api/app/v1/a/service/s/trigger/t/');
    expect(eventsPath(null)).toBe('/api/audit/v1/events');
  });

  it('parses paths with and without namespace and trailing slash', () => {
    expect(parsePath('/api/app/v1/service/')).toMatchObject({ kind: 'service', namespace: null, pk: [], rest: [] });
    expect(parsePath('/api/app/v1/acme/service/u1/start')).toMatchObject({
      kind: 'service', namespace: 'acme', pk: ['u1'], rest: ['start'],
    });
    expect(parsePath('/api/infra/v1/az/aws/us-east-1/us-east-1a/')).toMatchObject({
      kind: 'az', pk: ['aws', 'us-east-1', 'us-east-1a'],
    });
    expect(parsePath('/api/repo/v1/repository/quay.io/docker/test-repo/')).toMatchObject({
      kind: 'repository', pk: ['quay.io', 'docker', 'test-repo'],
    });
    expect(parsePath('/api/app/v1/service/s/trigger/t/call/3/')).toMatchObject({
      kind: 'service', pk: ['s'], rest: ['trigger', 't', 'call', '3'],
    });
    expect(parsePath('/api/audit/v1/alice/events')).toMatchObject({ kind: 'events', namespace: 'alice' });
    expect(parsePath('/api/infra/v1/token/')).toMatchObject({ kind: 'token' });
  });

  it('rejects what is not an API path, and namespaces on kinds without one', () => {
    expect(parsePath('/api/app/v2/service/')).toBeUndefined();
    expect(parsePath('/api/app/v1/nothing/')).toBeUndefined();
    expect(parsePath('/api/infra/v1/alice/provider/')).toBeUndefined();
    expect(parsePath('/other')).toBeUndefined();
  });

  it('round-trips every kind', () => {
    for (const spec of Object.values(KINDS)) {
      if (spec.kind === 'trigger') continue;
      const pk = spec.pkSegments === 'rest' ? ['a', 'b', 'c'] : Array.from({ length: spec.pkSegments }, (_, i) => `k${i}`);
      const parsed = parsePath(objectUri(spec.kind, 'ns', pk));
      expect(parsed?.kind).toBe(spec.kind);
      expect(parsed?.pk).toEqual(pk);
      expect(parsed?.namespace).toBe(spec.namespaced ? 'ns' : null);
    }
  });
});

describe('dates', () => {
  it('formats RFC 2822 in UTC and ISO 8601 without milliseconds', () => {
    const ms = Date.UTC(2014, 8, 17, 8, 26, 22, 123);
    expect(toRfc2822(ms)).toBe('Wed, 17 Sep 2014 08:26:22 +0000');
    expect(toIso8601(ms)).toBe('2014-09-17T08:26:22Z');
    expect(parseWireDate('Wed, 17 Sep 2014 08:26:22 +0000')).toBe(Date.UTC(2014, 8, 17, 8, 26, 22));
    expect(parseWireDate(null)).toBeNaN();
  });
});

describe('state tables', () => {
  it('allows operations only in the states the reference lists', () => {
    expect(allows(SERVICE_OPERATIONS, 'start', 'Not running')).toBe(true);
    expect(allows(SERVICE_OPERATIONS, 'start', 'Running')).toBe(false);
    expect(allows(SERVICE_OPERATIONS, 'stop', 'Stopped')).toBe(false);
    expect(allows(KINDS.container.operations, 'terminate', 'Terminating')).toBe(false);
    expect(allows(KINDS.node.operations, 'docker-upgrade', 'Unreachable')).toBe(false);
    expect(allows(KINDS.nodecluster.operations, 'deploy', 'Init')).toBe(true);
    expect(allows(KINDS.action.operations, 'retry', 'Failed')).toBe(true);
  });

  it('every operation names only states of its kind', () => {
    for (const spec of Object.values(KINDS)) {
      for (const states of Object.values(spec.operations)) {
        for (const state of states ?? []) expect(spec.states).toContain(state);
      }
    }
  });

  it('classifies states for display', () => {
    expect(stateClass('Partly running')).toBe('running');
    expect(stateClass('Redeploying')).toBe('transition');
    expect(stateClass('Unreachable')).toBe('failed');
    expect(stateClass('Terminated')).toBe('terminated');
  });
});
