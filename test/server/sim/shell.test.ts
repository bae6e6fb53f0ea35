import { describe, it, expect } from 'vitest';
import { SimShell, type ShellEnv } from '../../../src/server/sim/shell.js';

const NOW = Date.UTC(2026, 10, 29, 10, 30, 15); // Sun Nov 29 10:30:15 UTC 2026
const env = (over: Partial<ShellEnv> = {}): ShellEnv => ({
  hostname: 'web-1',
  env: { DOCKERCLOUD_IP_ADDRESS: '10.7.0.5/16', GREETING: 'hello world', PORT: '80' },
  image: 'nginx:1.15',
  user: '',
  workingDir: '',
  processes: ['nginx: master process nginx -g daemon off;', 'nginx: worker process'],
  startedAtMs: NOW - 75 * 60_000,
  ...over,
});
const shell = (over: Partial<ShellEnv> = {}): SimShell => new SimShell(env(over), () => NOW);
const out = (sh: SimShell, line: string): string => sh.run(line).stdout;

describe('SimShell', () => {
  it('shows a root prompt with the working directory, and a $ prompt for other users', () => {
    expect(shell().prompt()).toBe('root@web-1:/# ');
    expect(shell({ workingDir: '/srv/www/' }).prompt()).toBe('root@web-1:/srv/www# ');
    expect(shell({ image: 'node:10', user: 'node', workingDir: '/usr/src/app' }).prompt()).toBe('node@web-1:/usr/src/app$ ');
  });

  it('answers who and where it is', () => {
    const sh = shell();
    expect(out(sh, 'hostname')).toBe('web-1\n');
    expect(out(sh, 'hostname -i')).toBe('10.7.0.5\n');
    expect(out(sh, 'whoami')).toBe('root\n');
    expect(out(sh, 'id')).toBe('uid=0(root) gid=0(root) groups=0(root)\n');
    expect(out(shell({ user: 'www-data' }), 'id')).toBe('uid=33(www-data) gid=33(www-data) groups=33(www-data)\n');
    expect(out(sh, 'pwd')).toBe('/\n');
    expect(out(sh, 'uname')).toBe('Linux\n');
    expect(out(sh, 'uname -a')).toMatch(/^Linux web-1 \S+ .* x86_64 GNU\/Linux\n$/);
  });

  it('prints and expands environment variables', () => {
    const sh = shell();
    const printed = out(sh, 'env');
    expect(printed).toContain('GREETING=hello world\n');
    expect(printed).toContain('HOSTNAME=web-1\n');
    expect(printed).toContain('PWD=/\n');
    expect(out(sh, 'printenv PORT')).toBe('80\n');
    expect(out(sh, 'printenv NOPE; echo $?')).toBe('1\n');
    expect(out(sh, 'echo $GREETING from ${HOSTNAME}')).toBe('hello world from web-1\n');
    expect(out(sh, 'echo "$GREETING"   \'$GREETING\'')).toBe('hello world $GREETING\n');
    expect(out(sh, 'echo -n a b')).toBe('a b');
    expect(out(sh, 'cat /etc/$NOPE"hostname"')).toBe('web-1\n');
    expect(out(sh, 'echo [$constructor] [$toString]; printenv constructor; echo $?')).toBe('[] []\n1\n');
  });

  it('has a small filesystem that fits the image', () => {
    const sh = shell();
    expect(out(sh, 'cat /etc/hostname')).toBe('web-1\n');
    expect(out(sh, 'cat /etc/hosts')).toContain('10.7.0.5\tweb-1\n');
    expect(out(sh, 'cat /etc/os-release')).toContain('Debian');
    expect(out(shell({ image: 'redis:4-alpine' }), 'cat /etc/os-release')).toContain('Alpine');
    expect(out(sh, 'cat /proc/1/cmdline')).toBe('nginx: master process nginx -g daemon off;\n');
    expect(out(sh, 'ls /usr/share/nginx/html')).toBe('50x.html  index.html\n');
    expect(out(sh, 'cat /usr/share/nginx/html/index.html')).toContain('Welcome to nginx!');
    expect(out(sh, 'ls /etc').split(/\s+/)).toEqual(expect.arrayContaining(['hostname', 'hosts', 'os-release', 'passwd']));
    const node = shell({ image: 'node:10', workingDir: '/usr/src/app' });
    expect(out(node, 'ls')).toBe('package.json  server.js\n');
    expect(out(shell({ image: 'acme/billing:v42' }), 'ls /app')).toBe('README.md  config.yml\n');
    expect(out(shell({ image: 'postgres' }), 'cat /var/lib/postgresql/data/PG_VERSION')).toBe('10\n');
  });

  it('lists in long format', () => {
    const lines = out(shell(), 'ls -l /etc').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^total \d+$/);
    const hostname = lines.find((l) => l.endsWith(' hostname'))!;
    expect(hostname).toMatch(/^-rw-r--r-- +1 root +root +6 Nov 29 09:15 hostname$/);
    expect(out(shell(), 'ls -la /')).toMatch(/^drwxr-xr-x .* etc$/m);
  });

  it('reports missing files and directories on stderr', () => {
    const sh = shell();
    expect(sh.run('cat /nope')).toEqual({ stdout: '', stderr: 'cat: /nope: No such file or directory\n' });
    expect(sh.run('cat /etc').stderr).toBe('cat: /etc: Is a directory\n');
    expect(sh.run('ls /nope').stderr).toBe('ls: /nope: No such file or directory\n');
    expect(out(sh, 'echo $?')).toBe('1\n');
  });

  it('changes directory', () => {
    const sh = shell();
    expect(sh.run('cd /etc')).toEqual({ stdout: '', stderr: '' });
    expect(out(sh, 'pwd; echo $PWD')).toBe('/etc\n/etc\n');
    expect(sh.prompt()).toBe('root@web-1:/etc# ');
    expect(out(sh, 'cat hostname')).toBe('web-1\n');
    expect(out(sh, 'cd ../usr/./share/nginx; pwd')).toBe('/usr/share/nginx\n');
    expect(out(sh, 'cd; pwd')).toBe('/root\n');
    expect(sh.run('cd /nope').stderr).toContain("can't cd to /nope");
    expect(out(sh, 'pwd')).toBe('/root\n');
  });

  it('lists processes', () => {
    const sh = shell();
    const ps = out(sh, 'ps').split('\n');
    expect(ps[0]).toMatch(/^PID +USER +TIME +COMMAND$/);
    expect(ps[1]).toMatch(/^ +1 root .* nginx: master process nginx -g daemon off;$/);
    expect(ps.some((l) => l.endsWith('nginx: worker process'))).toBe(true);
    const aux = out(sh, 'ps aux').split('\n');
    expect(aux[0]).toMatch(/^USER +PID %CPU %MEM +VSZ +RSS TTY +STAT START +TIME COMMAND$/);
    expect(aux[1]).toMatch(/^root +1 .* nginx: master process/);
    expect(aux.some((l) => l.endsWith(' ps aux'))).toBe(true);
  });

  it('tells the time and the uptime', () => {
    const sh = shell();
    expect(out(sh, 'date')).toBe('Sun Nov 29 10:30:15 UTC 2026\n');
    expect(out(sh, 'uptime')).toBe(' 10:30:15 up 1:15,  0 users,  load average: 0.08, 0.03, 0.01\n');
    expect(out(shell({ startedAtMs: NOW - 3 * 60_000 }), 'uptime')).toContain(' up 3 min, ');
  });

  it('tracks the exit status', () => {
    const sh = shell();
    expect(out(sh, 'true; echo $?')).toBe('0\n');
    expect(out(sh, 'false; echo $?')).toBe('1\n');
    expect(sh.run('foo --bar')).toEqual({ stdout: '', stderr: 'sh: foo: not found\n' });
    expect(out(sh, 'echo $?')).toBe('127\n');
    expect(out(sh, 'echo $?')).toBe('0\n');
  });

  it('explains itself in help and --help', () => {
    const sh = shell();
    for (const line of ['help', '--help', 'ls --help']) {
      const help = out(sh, line);
      expect(help).toContain('simulated shell of the dctop sim backend');
      for (const command of ['cat', 'cd', 'echo', 'env', 'exit', 'ls', 'printenv', 'ps', 'uname', 'uptime']) expect(help).toContain(command);
    }
  });

  it('runs ; separated commands, but not a quoted ;', () => {
    const sh = shell();
    expect(out(sh, 'echo a; echo b;echo c')).toBe('a\nb\nc\n');
    expect(out(sh, 'echo "a; b"; echo \'c;d\'')).toBe('a; b\nc;d\n');
    expect(sh.run('   ')).toEqual({ stdout: '', stderr: '' });
  });

  it('exits with the given status, or the last one', () => {
    const sh = shell();
    expect(sh.run('echo bye; exit 3; echo never')).toEqual({ stdout: 'bye\n', stderr: '', exit: 3 });
    expect(sh.run('exit')).toEqual({ stdout: '', stderr: '', exit: 0 });
    expect(sh.run('false; exit')).toMatchObject({ exit: 1 });
    expect(sh.run('exit 300').exit).toBe(44);
    const bad = sh.run('exit x');
    expect(bad.exit).toBeUndefined();
    expect(bad.stderr).toContain('Illegal number');
  });
});
