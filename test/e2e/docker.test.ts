// The monitor end to end on a real engine: `dctop --docker HOST` in a real pseudo-terminal (tmux). Containers
// made with the docker CLI appear; x stops one (after the question); its state changes on screen and on the engine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, docker, IMAGE, needsEngine, PLAIN_ENGINE } from '../helpers/docker.js';
import { eventually } from '../helpers/server.js';
import { Terminal, tmuxAvailable } from './tmux.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const PREFIX = 'de-';

describe.skipIf(needsEngine(PLAIN_ENGINE) || (!tmuxAvailable() && !process.env['CI']))('the monitor on a Docker engine', () => {
  let term: Terminal;
  beforeAll(async () => {
    cleanUp(PLAIN_ENGINE, PREFIX);
    docker(PLAIN_ENGINE, 'run', '-d', '--init', '--name', `${PREFIX}web`, IMAGE, 'httpd', '-f', '-p', '80');
    term = await Terminal.start(['node', CLI, '--docker', PLAIN_ENGINE, '--view', 'containers'], {
      cols: 120, rows: 40, env: { CI: undefined, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'dctop-e2e-')), DOCKER_HOST: undefined },
    });
    await term.waitFor(/● live/, 20_000);
  }, 60_000);
  afterAll(async () => {
    await term?.close();
    cleanUp(PLAIN_ENGINE, PREFIX);
  });

  it('the sandbox says that a local engine answers, and how to monitor it', async () => {
    const sandbox = await Terminal.start(['node', CLI], {
      cols: 120, rows: 30,
      env: { CI: undefined, XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'dctop-e2e-')), DOCKERCLOUD_REST_HOST: undefined, DOCKERCLOUD_USER: undefined, DOCKERCLOUD_APIKEY: undefined },
    });
    try {
      await sandbox.waitFor(/a Docker engine answers on this machine: dctop --docker monitors it/, 20_000);
    } finally {
      await sandbox.close();
    }
  });

  it('shows the engine, and a container made with the docker CLI appears live', async () => {
    const screen = await term.waitFor(new RegExp(`${PREFIX}web\\s+▶ Running`));
    expect(screen.split('\n')[0]).toMatch(/dctop · docker · unix:\/\/\/run\/dctop-plain\.sock/);
    docker(PLAIN_ENGINE, 'run', '-d', '--init', '--name', `${PREFIX}late`, IMAGE, 'sleep', '1000');
    await term.waitFor(new RegExp(`${PREFIX}late\\s+▶ Running`), 10_000);
  });

  it('shows the live CPU and memory of a container doing work, from the engine', async () => {
    docker(PLAIN_ENGINE, 'run', '-d', '--init', '--name', `${PREFIX}busy`, IMAGE, 'sh', '-c', 'while :; do :; done');
    await term.send('/');
    await term.type(`^${PREFIX}busy$`);
    await term.send('Enter');
    await term.waitFor(/containers \(1\)/, 10_000);
    // Two readings make a rate: the first frame has memory, the next the CPU.
    const screen = await term.waitFor(new RegExp(`${PREFIX}busy\\s+▶ Running\\s+\\d+%\\s+\\d+(\\.\\d)?[KM]`), 15_000);
    const cpu = Number(new RegExp(`${PREFIX}busy\\s+▶ Running\\s+(\\d+)%`).exec(screen)![1]);
    expect(cpu).toBeGreaterThan(50); // one core spinning
    expect(screen).toMatch(/ CPU +MEM /);
    await term.send('Escape'); // the filter off
  });

  it('e opens a shell in the container, in a real terminal, and comes back', async () => {
    await term.send('/');
    await term.type(`^${PREFIX}late$`);
    await term.send('Enter');
    await term.waitFor(/containers \(1\)/);
    await term.send('e');
    await term.waitFor(/dctop: sh in \S+ · exit or ctrl-d ends it/);
    await term.type('tty; echo "answer $((6*7))"');
    await term.send('Enter');
    await term.waitFor(/\/dev\/pts\/\d+/);
    await term.waitFor(/^answer 42/m);
    await term.type('echo 29'); // the characters "29" are not ctrl-] (0x1d)
    await term.send('Enter');
    await term.waitFor(/^29$/m);
    await term.send('C-]'); // detaches
    await term.waitFor(new RegExp(`exec ${PREFIX}late: left with ctrl-\\]`));
    await term.send('e');
    await term.waitFor(new RegExp(`dctop: sh in ${PREFIX}late · exit or ctrl-d ends it`));
    await term.type('exit');
    await term.send('Enter');
    await term.waitFor(/exec \S+: ended \(exit 0\)/);
    await term.send('Escape');
  });

  it('x stops the selected container after asking, and the screen and the engine agree', async () => {
    await term.send('/');
    await term.type(`^${PREFIX}web$`);
    await term.send('Enter');
    await term.waitFor(/containers \(1\)/);
    await term.send('x');
    await term.waitFor(new RegExp(`Stop container ${PREFIX}web\\? y/N`));
    await term.type('y');
    await term.waitFor(new RegExp(`${PREFIX}web\\s+◼ Stopped`), 15_000);
    await eventually(() => docker(PLAIN_ENGINE, 'inspect', '-f', '{{.State.Status}}', `${PREFIX}web`) === 'exited', 10_000, 'exited on the engine');
    await term.waitFor(new RegExp(`Stop ${PREFIX}web: 1/1 done`), 10_000);
    await term.send('s');
    await term.waitFor(new RegExp(`${PREFIX}web\\s+▶ Running`), 15_000);
    // What Docker cannot do is not offered: the hint line of the nodes view has no docker upgrade.
    await term.send('2');
    await term.waitFor(/nodes \(1\)/);
    expect(await term.screen()).not.toMatch(/upgrade docker/);
    await term.send('U');
    await term.waitFor(/upgrade docker: dctop does not upgrade a node's Docker engine/);
  });
});
