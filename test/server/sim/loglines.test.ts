import { describe, it, expect, vi } from 'vitest';
import {
  imageBaseName, imageFamily, lineRate, runtimeLines, startLines, stopLines, type GeneratedLine, type LogContext, type Rng,
} from '../../../src/server/sim/loglines.js';
import { seededRng } from '../../../src/server/sim/random.js';

/** The project's seeded generator, so that the tests are reproducible. */
const mulberry32 = (seed: number): Rng => seededRng(seed);

const AT = Date.UTC(2026, 10, 29, 10, 0, 0, 123); // 2026-11-29T10:00:00.123Z
const ctx = (image: string): LogContext => ({ name: 'web-1', hostname: 'web-1', privateIp: '10.7.0.5', image });
const many = (image: string, n: number, seed = 1): GeneratedLine[] => {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => runtimeLines(ctx(image), rng, AT + i * 250)).flat();
};

const IMAGES = ['nginx', 'httpd:2.4', 'haproxy', 'traefik', 'abiosoft/caddy', 'dockercloud/hello-world', 'mysql:5.7', 'mariadb',
  'postgres:10', 'mongo', 'redis:alpine', 'memcached', 'rabbitmq:3-management', 'elasticsearch:6.5.0', 'node:10', 'python:3.7',
  'ruby', 'openjdk:8-jre', 'golang', 'registry.example.com:5000/acme/billing:v42'];

describe('image recognition', () => {
  it('strips registry, namespace, tag and digest', () => {
    expect(imageBaseName('nginx')).toBe('nginx');
    expect(imageBaseName('library/nginx:1.15-alpine')).toBe('nginx');
    expect(imageBaseName('registry.example.com:5000/acme/Redis:4@sha256:abc')).toBe('redis');
  });

  it('sorts images into families', () => {
    for (const image of ['nginx:latest', 'httpd', 'haproxy:1.8', 'traefik', 'caddy', 'dockercloud/hello-world', 'jwilder/nginx-proxy']) {
      expect(imageFamily(image), image).toBe('web');
    }
    for (const image of ['mysql', 'mariadb:10', 'postgres', 'mongo:3.6', 'redis', 'memcached', 'rabbitmq', 'elasticsearch:6.5.0']) {
      expect(imageFamily(image), image).toBe('database');
    }
    for (const image of ['node:10', 'python', 'ruby', 'openjdk', 'golang', 'acme/billing:v42', 'constructor']) {
      expect(imageFamily(image), image).toBe('app');
    }
  });
});

describe('every line', () => {
  it('is a single line ending with a newline, for every image, at start, run time and stop', () => {
    for (const image of IMAGES) {
      const rng = mulberry32(7);
      const lines = [...startLines(ctx(image), rng, AT), ...many(image, 300), ...stopLines(ctx(image), rng, AT, 0),
        ...stopLines(ctx(image), rng, AT, 1)];
      for (const line of lines) {
        expect(line.log.endsWith('\n'), `${image}: ${line.log}`).toBe(true);
        expect(line.log.indexOf('\n'), `${image}: ${line.log}`).toBe(line.log.length - 1);
        expect(line.log.trim().length, image).toBeGreaterThan(0);
        expect(['stdout', 'stderr']).toContain(line.streamType);
      }
    }
  });

  it('uses only the given rng', () => {
    const random = vi.spyOn(Math, 'random');
    for (const image of IMAGES) {
      const rng = mulberry32(3);
      startLines(ctx(image), rng, AT);
      many(image, 50);
      stopLines(ctx(image), rng, AT, 0);
      stopLines(ctx(image), rng, AT, 2);
    }
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it('is reproducible with the same seed and differs with another', () => {
    for (const image of ['nginx', 'postgres', 'node']) {
      expect(many(image, 100, 42)).toEqual(many(image, 100, 42));
      expect(many(image, 100, 42)).not.toEqual(many(image, 100, 43));
      expect(startLines(ctx(image), mulberry32(5), AT)).toEqual(startLines(ctx(image), mulberry32(5), AT));
    }
  });
});

describe('web servers', () => {
  const COMBINED = /^(\d{1,3}\.){3}\d{1,3} - - \[29\/Nov\/2026:10:\d\d:\d\d \+0000\] "(GET|POST|HEAD) \/\S* HTTP\/1\.1" (\d{3}) \d+ "[^"]*" "[^"]+"\n$/;

  it('write combined access logs, mostly 200, with 304s and 404s, and rare 500s as error lines on stderr', () => {
    const lines = many('nginx:1.15', 3000);
    const statuses = new Map<string, number>();
    for (const line of lines) {
      if (line.streamType === 'stderr') {
        expect(line.log).toMatch(/^2026\/11\/29 10:\d\d:\d\d \[error\] \d+#\d+: .*upstream timed out/);
        statuses.set('500', (statuses.get('500') ?? 0) + 1);
        continue;
      }
      const m = COMBINED.exec(line.log);
      expect(m, line.log).not.toBeNull();
      statuses.set(m![3]!, (statuses.get(m![3]!) ?? 0) + 1);
    }
    expect(statuses.get('200')! / lines.length).toBeGreaterThan(0.6);
    expect(statuses.get('304')).toBeGreaterThan(50);
    expect(statuses.get('404')).toBeGreaterThan(50);
    expect(statuses.get('500')).toBeGreaterThan(0);
    expect(statuses.get('500')! / lines.length).toBeLessThan(0.03);
  });

  it('derive the timestamp from atMs', () => {
    const [line] = runtimeLines(ctx('nginx'), () => 0.1, Date.UTC(2026, 10, 29, 10, 0, 0));
    expect(line!.log).toContain('[29/Nov/2026:10:00:00 +0000]');
  });

  it('log apache errors in apache format and start with the usual notices', () => {
    const errors = many('httpd', 2000).filter((l) => l.streamType === 'stderr');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.log).toMatch(/^\[Sun Nov 29 10:\d\d:\d\d\.\d{6} 2026\] \[proxy_http:error\]/);
    expect(startLines(ctx('httpd'), mulberry32(1), AT).map((l) => l.log).join('')).toContain('AH00094: Command line');
    expect(startLines(ctx('nginx'), mulberry32(1), AT)[0]!.log).toMatch(/^2026\/11\/29 10:00:00 \[notice\] 1#1: /);
  });
});

describe('databases and brokers', () => {
  const FORMATS: Record<string, RegExp> = {
    'mysql:5.7': /^2026-11-29T10:\d\d:\d\d\.\d{6}Z \d+ \[(Note|Warning)\] /,
    postgres: /^2026-11-29 10:\d\d:\d\d\.\d{3} UTC \[\d+\] (LOG|ERROR|FATAL):  /,
    mongo: /^2026-11-29T10:\d\d:\d\d\.\d{3}\+0000 [IW] (NETWORK|COMMAND) +\[\w+\] /,
    redis: /^\d+:[MC] 29 Nov 2026 10:\d\d:\d\d\.\d{3} [*#] /,
    memcached: /^([<>]\d+ |\d+: )/,
    rabbitmq: /^2026-11-29 10:\d\d:\d\d\.\d{3} \[(info|warning)\] <0\.\d+\.0> /,
    elasticsearch: /^\[2026-11-29T10:\d\d:\d\d,\d{3}\]\[(INFO |WARN )\]\[[\w.]+ *\] \[web-1\] /,
  };

  it('write lines in each product\'s own format, warnings and errors on stderr', () => {
    for (const [image, format] of Object.entries(FORMATS)) {
      for (const line of many(image, 500)) {
        expect(line.log, image).toMatch(format);
        const severe = /\[Warning\]|ERROR:|FATAL:| W NETWORK|\[warning\]|\[WARN |closed for overcoming/.test(line.log);
        expect(line.streamType, line.log).toBe(severe ? 'stderr' : 'stdout');
      }
    }
  });

  it('announce start and stop', () => {
    const join = (lines: GeneratedLine[]): string => lines.map((l) => l.log).join('');
    expect(join(startLines(ctx('mysql'), mulberry32(1), AT))).toContain('ready for connections');
    expect(join(startLines(ctx('postgres'), mulberry32(1), AT))).toContain('database system is ready to accept connections');
    expect(join(startLines(ctx('redis'), mulberry32(1), AT))).toContain('Ready to accept connections');
    expect(join(stopLines(ctx('postgres'), mulberry32(1), AT, 0))).toContain('database system is shut down');
    expect(join(stopLines(ctx('redis'), mulberry32(1), AT, 143))).toContain('Received SIGTERM');
    expect(join(startLines(ctx('elasticsearch'), mulberry32(1), AT))).toContain('publish_address {10.7.0.5:9200}');
  });
});

describe('applications', () => {
  const APP = /^2026-11-29T10:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR) \[[\w-]+\] \S.*\n$/;

  it('write leveled lines, with about 5% warnings and errors on stderr, errors with their stack frames', () => {
    const lines = many('acme/billing:v42', 5000);
    let frames = 0;
    for (const [i, line] of lines.entries()) {
      if (!APP.test(line.log)) {
        expect(line.log).toMatch(/^ {4}at \S+ \(\/app\/\S+:\d+:\d+\)\n$/);
        expect(line.streamType).toBe('stderr');
        // A frame follows its error (or another frame), never an INFO line.
        expect(lines[i - 1]!.log, `before ${line.log}`).toMatch(/ ERROR \[|^ {4}at /);
        frames += 1;
        continue;
      }
      expect(line.streamType, line.log).toBe(line.log.includes(' INFO  ') ? 'stdout' : 'stderr');
    }
    const stderr = lines.filter((l) => l.streamType === 'stderr').length / lines.length;
    expect(stderr).toBeGreaterThan(0.03);
    expect(stderr).toBeLessThan(0.08);
    expect(frames).toBeGreaterThan(0);
    expect(lines.some((l) => / WARN  \[/.test(l.log))).toBe(true);
    expect(lines.some((l) => / ERROR \[/.test(l.log))).toBe(true);
  });

  it('derive the timestamp from atMs', () => {
    expect(runtimeLines(ctx('node'), mulberry32(9), AT)[0]!.log.startsWith('2026-11-29T10:00:00.123Z ')).toBe(true);
  });

  it('print their runtime\'s stack frames', () => {
    const frames = (image: string): string[] =>
      stopLines(ctx(image), mulberry32(4), AT, 1).filter((l) => l.streamType === 'stderr').map((l) => l.log);
    expect(frames('python:3').join('')).toMatch(/ {2}File "\/app\/.*\.py", line \d+, in \w+/);
    expect(frames('openjdk:8').join('')).toMatch(/at com\.example\.\S+\(\w+\.java:\d+\)/);
    expect(frames('node').join('')).toContain('npm ERR! errno 1');
  });

  it('start with a banner and stop cleanly on SIGTERM', () => {
    const start = startLines(ctx('node'), mulberry32(1), AT).map((l) => l.log);
    expect(start[0]).toBe('> app@1.0.0 start /usr/src/app\n');
    expect(start.at(-1)).toMatch(/INFO  \[main\] listening on 0\.0\.0\.0:3000/);
    const stop = stopLines(ctx('node'), mulberry32(1), AT, 0);
    expect(stop.every((l) => l.streamType === 'stdout')).toBe(true);
    expect(stop[0]!.log).toContain('received SIGTERM');
  });
});

describe('start and stop', () => {
  it('timestamps increase from atMs through a burst', () => {
    const stamps = startLines(ctx('node'), mulberry32(2), AT).map((l) => /^(\S+Z) /.exec(l.log)?.[1]).filter(Boolean);
    expect(stamps.length).toBeGreaterThan(1);
    expect([...stamps].sort()).toEqual(stamps);
    expect(Date.parse(stamps[0]!)).toBeGreaterThanOrEqual(AT);
  });

  it('every image writes something at start and clean stop, nothing when killed, errors on a crash', () => {
    for (const image of IMAGES) {
      expect(startLines(ctx(image), mulberry32(1), AT).length, image).toBeGreaterThan(0);
      expect(stopLines(ctx(image), mulberry32(1), AT, 0).length, image).toBeGreaterThan(0);
      expect(stopLines(ctx(image), mulberry32(1), AT, 137), image).toEqual([]);
      expect(stopLines(ctx(image), mulberry32(1), AT, 1).some((l) => l.streamType === 'stderr'), image).toBe(true);
    }
  });
});

describe('lineRate', () => {
  it('makes web servers busier than databases', () => {
    for (const web of ['nginx', 'httpd', 'haproxy']) {
      for (const db of ['mysql', 'postgres', 'redis', 'mongo']) expect(lineRate(web)).toBeGreaterThan(lineRate(db));
    }
    for (const image of IMAGES) expect(lineRate(image), image).toBeGreaterThan(0);
  });
});
