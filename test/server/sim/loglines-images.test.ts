// Logs look like the image: a WordPress container is Apache with mod_php (access lines, Apache's error log with
// PHP's notices, warnings and fatal errors), a Node.js one is npm and node (its own log, JavaScript stack frames),
// and neither writes the other's lines. Checked on the line generator and on the sandbox's own containers.
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../../src/domain/index.js';
import { ManualTime } from '../../../src/server/sim/clock.js';
import { exited } from '../../../src/server/sim/containers.js';
import {
  imageFamily, runtimeLines, startLines, stopLines, type GeneratedLine, type LogContext,
} from '../../../src/server/sim/loglines.js';
import { seededRng } from '../../../src/server/sim/random.js';
import { SimBackend } from '../../../src/server/sim/sim-backend.js';

const AT = Date.UTC(2026, 10, 29, 10, 0, 0, 123);
const ctx = (image: string): LogContext => ({ name: 'site-1', hostname: 'site-1', privateIp: '10.7.0.9', image });
const running = (image: string, n: number, seed = 1): GeneratedLine[] => {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) => runtimeLines(ctx(image), rng, AT + i * 250)).flat();
};
const text = (lines: GeneratedLine[]) => lines.map((l) => l.log).join('');

/** Apache's combined access log. */
const ACCESS = /^(\d{1,3}\.){3}\d{1,3} - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "(GET|POST|HEAD) \/\S* HTTP\/1\.1" \d{3} \d+ "[^"]*" "[^"]+"\n$/;
/** Apache's error log, as PHP (mod_php) writes to it. */
const PHP_ERROR = /^\[\w{3} \w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \d{4}\] \[php7:(notice|warn|error)\] \[pid \d+\] \[client [\d.]+:\d+\] PHP (Notice|Warning|Deprecated|Fatal error): {2}.+ in \/var\/www\/html\/\S+\.php on line \d+\n$/;
/** What a Node.js process or any other runtime, not Apache, writes. */
const NOT_APACHE = /\[worker-\d\]|\.js:\d+|\bat \w+\.|npm ERR|INFO {2}\[|Traceback|\.py"/;

/** A Node.js application's own log line, and a JavaScript stack frame of the app's modules. */
const NODE_LOG = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO |WARN |ERROR) \[[\w-]+\] \S.*\n$/;
const JS_FRAME = /^ {4}at [\w.]+ \(\/usr\/src\/app\/\S+\.js:\d+:\d+\)\n$/;

describe('a WordPress container', () => {
  it('is a web server: PHP sites are Apache with mod_php', () => {
    for (const image of ['wordpress', 'wordpress:4.9-apache', 'library/wordpress:latest', 'php:7.2-apache', 'drupal:8']) {
      expect(imageFamily(image), image).toBe('web');
    }
  });

  it('writes Apache access lines on stdout and PHP notices, warnings and errors in Apache\'s error log on stderr', () => {
    const lines = running('wordpress:4.9-apache', 4000);
    for (const line of lines) {
      expect(line.log, line.log).toMatch(line.streamType === 'stdout' ? ACCESS : PHP_ERROR);
      expect(line.log, line.log).not.toMatch(NOT_APACHE);
    }
    const errors = lines.filter((l) => l.streamType === 'stderr');
    expect(errors.length).toBeGreaterThan(40);
    expect(errors.length / lines.length).toBeLessThan(0.08);
    expect(errors.some((l) => l.log.includes('PHP Fatal error'))).toBe(true);
    // A WordPress site's paths: its pages, assets, admin and the bots at its login.
    expect(lines.filter((l) => /"(GET|POST|HEAD) \/wp-/.test(l.log)).length).toBeGreaterThan(400);
    expect(lines.some((l) => l.log.includes('"POST /wp-login.php HTTP/1.1"'))).toBe(true);
  });

  it('starts by copying WordPress and starting Apache with PHP, and stops as Apache does', () => {
    const start = startLines(ctx('wordpress:4.9-apache'), seededRng(2), AT);
    expect(start[0]!.log).toBe('WordPress not found in /var/www/html - copying now...\n');
    expect(text(start)).toContain('WordPress has been successfully copied to /var/www/html');
    expect(text(start)).toMatch(/AH00163: Apache\/2\.4\.\d+ \(Debian\) PHP\/7\.\d+\.\d+ configured -- resuming normal operations/);
    expect(text(start)).toContain("AH00094: Command line: 'apache2 -D FOREGROUND'");
    expect(text(start)).not.toMatch(NOT_APACHE);
    // A plain php image has no WordPress to copy.
    expect(text(startLines(ctx('php:7.2-apache'), seededRng(2), AT))).not.toContain('WordPress');

    expect(text(stopLines(ctx('wordpress'), seededRng(3), AT, 0))).toContain('AH00169: caught SIGTERM, shutting down');
    const crash = stopLines(ctx('wordpress'), seededRng(3), AT, 139);
    expect(crash[0]!.log).toMatch(PHP_ERROR);
    expect(text(crash)).toContain('exit signal Segmentation fault (11)');
    expect(text(crash)).not.toMatch(NOT_APACHE);
  });
});

describe('a Node.js container', () => {
  it('writes its own log, and JavaScript stack frames of its modules right after the error they belong to', () => {
    const lines = running('node:8-alpine', 5000);
    let frames = 0;
    for (const [i, line] of lines.entries()) {
      expect(line.log).not.toMatch(/PHP |\[php7|AH\d{5}|HTTP\/1\.1" \d{3}/);
      if (JS_FRAME.test(line.log)) {
        frames++;
        expect(line.streamType).toBe('stderr');
        expect(lines[i - 1]!.log, `before ${line.log}`).toMatch(/ ERROR \[|^ {4}at /);
        continue;
      }
      expect(line.log, line.log).toMatch(NODE_LOG);
    }
    expect(frames).toBeGreaterThan(20);
    expect(lines.some((l) => /ERROR \[[\w-]+\] .*(TypeError|Error): /.test(l.log))).toBe(true);
  });

  it('starts with npm and node, and a crash is a JavaScript stack trace and npm\'s error', () => {
    const start = text(startLines(ctx('node:10'), seededRng(1), AT));
    expect(start).toMatch(/^> app@1\.0\.0 start \/usr\/src\/app\n> node server\.js\n/);
    const crash = stopLines(ctx('node:10'), seededRng(1), AT, 1);
    expect(crash[0]!.log).toMatch(/ERROR \[main\] uncaught exception: (TypeError|Error)/);
    expect(crash.filter((l) => JS_FRAME.test(l.log)).length).toBeGreaterThanOrEqual(2);
    expect(text(crash)).toContain('npm ERR! code ELIFECYCLE');
  });
});

describe('the sandbox', () => {
  let backend: SimBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it("shows Apache and PHP in its wordpress containers' logs, over starts, a crash and a restart", async () => {
    const time = new ManualTime();
    backend = new SimBackend({ seed: 8, time });
    backend.populate('demo', 'demo');
    const wordpress = backend.sim.world.services('demo').find((s) => s.name === 'wordpress') as Service;
    expect(wordpress.image_name).toBe('wordpress:4.9-apache');
    await time.advance(10 * 60_000);
    const c = backend.sim.world.container(wordpress.containers[0])!;
    exited(backend.sim, c, 1);
    const { boot } = await import('../../../src/server/sim/containers.js');
    void boot(backend.sim, c);
    await time.advance(60_000);
    const lines = backend.sim.logs.tail(c, 0);
    expect(lines.length).toBeGreaterThan(1000 - 1);
    const written = lines.filter((l) => !/^(WordPress|Complete!|AH00558)/.test(l.log));
    for (const line of written) {
      expect(line.log, line.log).toMatch(line.streamType === 'stdout' ? ACCESS : /^\[\w{3} \w{3} \d\d [\d:.]+ \d{4}\] \[(php7|mpm_prefork|core):\w+\] \[pid \d+\]/);
      expect(line.log, line.log).not.toMatch(NOT_APACHE);
    }
  });
});
