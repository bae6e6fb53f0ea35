// A small simulated shell for `exec` into a simulated container: a handful of builtins over an in-memory
// filesystem shaped like the container's image. It never touches the host.
import { imageProduct, type Product } from './loglines.js';

export interface ShellEnv {
  hostname: string;
  env: Record<string, string>;
  image: string;
  user: string;
  workingDir: string;
  processes: string[]; // command lines, pid 1 first
  /** The container's private IP, for /etc/hosts; defaults to DOCKERCLOUD_IP_ADDRESS of `env`. */
  privateIp?: string;
  /** When the container started, for `uptime`; defaults to when the shell was created. */
  startedAtMs?: number;
}

export interface ShellResult { stdout: string; stderr: string; exit?: number /* set when the shell should end */ }

const COMMANDS = 'cat cd date echo env exit false help hostname id ls printenv ps pwd true uname uptime whoami';
const HELP = `This is a simulated shell of the dctop sim backend: no real container or process runs here.
Commands run against a small in-memory model of the container (its environment, processes and a few files).
Builtins: ${COMMANDS}
Commands can be separated with ';'. $VAR, \${VAR} and $? expand; quotes work as in sh.
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const UIDS = new Map(Object.entries({ root: 0, 'www-data': 33, nginx: 101, mysql: 999, postgres: 999, redis: 999, mongodb: 999 }));

/** A few files that make the image recognisable: its app or data directory, keyed by absolute path. */
const IMAGE_FILES: Partial<Record<Product, Record<string, string>>> = {
  nginx: {
    '/usr/share/nginx/html/index.html': '<!DOCTYPE html>\n<html>\n<head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1></body>\n</html>\n',
    '/usr/share/nginx/html/50x.html': '<html><body><h1>An error occurred.</h1></body></html>\n',
    '/etc/nginx/conf.d/default.conf': 'server {\n    listen       80;\n    server_name  localhost;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n',
  },
  apache: { '/usr/local/apache2/htdocs/index.html': '<html><body><h1>It works!</h1></body></html>\n', '/usr/local/apache2/conf/httpd.conf': 'Listen 80\nDocumentRoot "/usr/local/apache2/htdocs"\n' },
  mysql: { '/etc/mysql/my.cnf': '[mysqld]\ndatadir = /var/lib/mysql\nbind-address = 0.0.0.0\n', '/var/lib/mysql/auto.cnf': '[auto]\nserver-uuid=6c7a0a54-f3d5-11e8-9c2d-0242ac110002\n' },
  postgres: { '/var/lib/postgresql/data/PG_VERSION': '10\n', '/var/lib/postgresql/data/postgresql.conf': "listen_addresses = '*'\nmax_connections = 100\n" },
  redis: { '/data/dump.rdb': 'REDIS0008\n', '/usr/local/etc/redis/redis.conf': 'bind 0.0.0.0\nappendonly no\n' },
  mongo: { '/data/db/mongod.lock': '1\n', '/data/db/WiredTiger': 'WiredTiger\nWiredTiger 3.0.1: (November 23, 2018)\n' },
  node: { 'package.json': '{\n  "name": "app",\n  "version": "1.0.0",\n  "scripts": { "start": "node server.js" }\n}\n', 'server.js': "const http = require('http');\nhttp.createServer((req, res) => res.end('ok')).listen(3000);\n" },
  python: { 'app.py': "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef index():\n    return 'ok'\n", 'requirements.txt': 'flask==1.0.2\ngunicorn==19.9.0\n' },
  ruby: { 'Gemfile': "source 'https://rubygems.org'\ngem 'rails', '5.2.1'\ngem 'puma'\n", 'config.ru': 'require_relative "config/environment"\nrun Rails.application\n' },
  java: { 'app.jar': 'PK\n', 'application.properties': 'server.port=8080\n' },
  app: { 'README.md': '# app\n\nBuilt and deployed with Docker Cloud.\n', 'config.yml': 'listen: 0.0.0.0:8080\nlog_level: info\n' },
};

export class SimShell {
  private readonly files = new Map<string, string | null>(); // path → content; null for a directory
  private readonly vars: Map<string, string>; // a Map, so that `$constructor` and the like expand to nothing
  private readonly user: string;
  private readonly startedAt: number;
  private readonly ip: string | undefined;
  private cwd: string;
  private status = 0;

  constructor(private readonly env: ShellEnv, private readonly now: () => number = Date.now) {
    this.startedAt = env.startedAtMs ?? now();
    const name = env.user.split(':')[0] || 'root';
    this.user = name === '0' ? 'root' : name;
    const home = this.user === 'root' ? '/root' : `/home/${this.user}`;
    const product = imageProduct(env.image);
    this.cwd = normalize(env.workingDir || '/');
    const appDir = this.cwd !== '/' ? this.cwd : product === 'node' ? '/usr/src/app' : '/app';
    const ip = (this.ip = env.privateIp ?? env.env.DOCKERCLOUD_IP_ADDRESS?.split('/')[0]);
    this.files.set('/', null);
    const addDir = (dir: string): void => {
      for (let d = dir; !this.files.has(d); d = parentOf(d)) this.files.set(d, null);
    };
    const addFile = (path: string, content: string): void => { addDir(parentOf(path)); this.files.set(path, content); };
    for (const dir of ['/bin', '/tmp', '/var/log', '/usr/bin', home, this.cwd]) addDir(dir);
    addFile('/etc/hostname', `${env.hostname}\n`);
    addFile('/etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip ? `${ip}\t${env.hostname}\n` : ''}`);
    addFile('/etc/os-release', env.image.includes('alpine')
      ? 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.8.1\nPRETTY_NAME="Alpine Linux v3.8"\n'
      : 'PRETTY_NAME="Debian GNU/Linux 9 (stretch)"\nNAME="Debian GNU/Linux"\nVERSION_ID="9"\nVERSION="9 (stretch)"\nID=debian\n');
    addFile('/etc/passwd', `root:x:0:0:root:/root:/bin/sh\n${this.user === 'root' ? '' : `${this.user}:x:${this.uid()}:${this.uid()}::${home}:/bin/sh\n`}`);
    // The real file separates arguments with NUL bytes; spaces keep the output printable in a terminal pane.
    addFile('/proc/1/cmdline', `${env.processes[0] ?? 'sh'}\n`);
    const own = IMAGE_FILES[product] ?? IMAGE_FILES.app!;
    for (const [path, content] of Object.entries(own)) addFile(path.startsWith('/') ? path : `${appDir}/${path}`, content);
    this.vars = new Map(Object.entries({
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOSTNAME: env.hostname, HOME: home,
      ...env.env, PWD: this.cwd,
    }));
  }

  prompt(): string {
    return `${this.user}@${this.env.hostname}:${this.cwd}${this.user === 'root' ? '#' : '$'} `;
  }

  run(line: string): ShellResult {
    const result: ShellResult = { stdout: '', stderr: '' };
    for (const command of splitCommands(line)) {
      const [name, ...args] = this.words(command);
      if (name === undefined) continue;
      if (name === 'exit') {
        const code = args[0] === undefined ? this.status : Number(args[0]);
        if (!Number.isInteger(code) || code < 0) {
          result.stderr += `sh: exit: Illegal number: ${args[0]}\n`;
          this.status = 2;
          continue;
        }
        result.exit = code & 255;
        return result;
      }
      const [stdout, stderr, status] = this.exec(name, args);
      result.stdout += stdout;
      result.stderr += stderr;
      this.status = status;
    }
    return result;
  }

  /** Runs one builtin: its stdout, stderr and exit status. */
  private exec(name: string, args: string[]): [string, string, number] {
    if (name === 'help' || name === '--help' || (COMMANDS.split(' ').includes(name) && args.includes('--help'))) return [HELP, '', 0];
    switch (name) {
      case 'true': return ['', '', 0];
      case 'false': return ['', '', 1];
      case 'hostname': return [`${args[0] === '-i' ? this.ip ?? '127.0.0.1' : this.env.hostname}\n`, '', 0];
      case 'whoami': return [`${this.user}\n`, '', 0];
      case 'id': {
        const id = `${this.uid()}(${this.user})`;
        return [`uid=${id} gid=${id} groups=${id}\n`, '', 0];
      }
      case 'pwd': return [`${this.cwd}\n`, '', 0];
      case 'echo': return args[0] === '-n' ? [args.slice(1).join(' '), '', 0] : [`${args.join(' ')}\n`, '', 0];
      case 'env': return [[...this.vars].map(([k, v]) => `${k}=${v}\n`).join(''), '', 0];
      case 'printenv': {
        if (args.length === 0) return this.exec('env', []);
        const values = args.filter((a) => this.vars.has(a)).map((a) => `${this.vars.get(a)}\n`);
        return [values.join(''), '', values.length === args.length ? 0 : 1];
      }
      case 'cd': {
        const target = this.resolve(args[0] ?? this.vars.get('HOME') ?? '/');
        if (this.files.get(target) !== null) return ['', `sh: cd: can't cd to ${args[0]}: No such file or directory\n`, 2];
        this.cwd = target;
        this.vars.set('PWD', target);
        return ['', '', 0];
      }
      case 'cat': {
        let stdout = '', stderr = '';
        for (const arg of args) {
          const content = this.files.get(this.resolve(arg));
          if (content === undefined) stderr += `cat: ${arg}: No such file or directory\n`;
          else if (content === null) stderr += `cat: ${arg}: Is a directory\n`;
          else stdout += content;
        }
        return [stdout, stderr, stderr ? 1 : 0];
      }
      case 'ls': return this.ls(args);
      case 'uname': {
        const [host, release] = [this.env.hostname, '4.4.0-141-generic']; // the kernel of the simulated node
        const all = `Linux ${host} ${release} #167-Ubuntu SMP Wed Dec 5 10:40:15 UTC 2018 x86_64 GNU/Linux`;
        const parts = new Map([['-s', 'Linux'], ['-n', host], ['-r', release], ['-m', 'x86_64'], ['-a', all]]);
        return [`${parts.get(args[0] ?? '-s') ?? 'Linux'}\n`, '', 0];
      }
      case 'ps': return [this.ps(args[0]?.replace(/^-/, '') === 'aux'), '', 0];
      case 'date': return [`${formatDate(this.now())}\n`, '', 0];
      case 'uptime': {
        const minutes = Math.max(0, Math.floor((this.now() - this.startedAt) / 60_000));
        const days = Math.floor(minutes / 1440);
        const hm = minutes < 60 ? `${minutes} min` : `${Math.floor((minutes % 1440) / 60)}:${String(minutes % 60).padStart(2, '0')}`;
        const clock = new Date(this.now()).toISOString().slice(11, 19);
        return [` ${clock} up ${days ? `${days} day${days > 1 ? 's' : ''}, ` : ''}${hm},  0 users,  load average: 0.08, 0.03, 0.01\n`, '', 0];
      }
      default: return ['', `sh: ${name}: not found\n`, 127];
    }
  }

  private ls(args: string[]): [string, string, number] {
    const long = args.some((a) => /^-\w*l/.test(a));
    const paths = args.filter((a) => !a.startsWith('-'));
    let stdout = '', stderr = '';
    for (const arg of paths.length ? paths : ['.']) {
      const path = this.resolve(arg);
      const content = this.files.get(path);
      if (content === undefined) {
        stderr += `ls: ${arg}: No such file or directory\n`;
        continue;
      }
      const names = content === null
        ? [...this.files.keys()].filter((p) => p !== '/' && parentOf(p) === path).sort().map((p) => p.slice(p.lastIndexOf('/') + 1))
        : [arg];
      const full = (name: string): string => (content === null ? `${path === '/' ? '' : path}/${name}` : path);
      if (paths.length > 1 && content === null) stdout += `${arg}:\n`;
      stdout += long
        ? `total ${names.length * 4}\n${names.map((n) => `${this.longEntry(full(n))} ${n}\n`).join('')}`
        : names.length ? `${names.join('  ')}\n` : '';
    }
    return [stdout, stderr, stderr ? 1 : 0];
  }

  /** `ls -l` columns of one path, up to the name. The image's files belong to root and date from the start. */
  private longEntry(path: string): string {
    const content = this.files.get(path);
    const dir = content === null || content === undefined;
    const owner = path.startsWith(this.vars.get('HOME') ?? '/root') ? this.user : 'root';
    const d = new Date(this.startedAt);
    const time = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${d.toISOString().slice(11, 16)}`;
    return `${dir ? 'drwxr-xr-x' : '-rw-r--r--'} ${dir ? '   2' : '   1'} ${owner.padEnd(8)} ${owner.padEnd(8)} ${String(dir ? 4096 : content.length).padStart(8)} ${time}`;
  }

  private ps(aux: boolean): string {
    const start = new Date(this.startedAt).toISOString().slice(11, 16);
    const rows = [...this.env.processes, 'sh', aux ? 'ps aux' : 'ps'].map((cmd, i) => ({ pid: i === 0 ? 1 : 5 + i, cmd }));
    if (!aux) return `PID   USER     TIME  COMMAND\n${rows.map((r) => `${String(r.pid).padStart(5)} ${this.user.padEnd(8)}  0:00 ${r.cmd}\n`).join('')}`;
    const header = 'USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n';
    return header + rows.map((r, i) => {
      const stat = i === 0 ? 'Ss' : r.cmd.startsWith('ps') ? 'R+' : 'S';
      const tty = i < this.env.processes.length ? '?' : 'pts/0';
      return `${this.user.padEnd(8)} ${String(r.pid).padStart(5)}  0.${i % 10}  0.${(i * 3) % 10} ${String(18000 + i * 4096).padStart(6)} ${String(3000 + i * 512).padStart(5)} ${tty.padEnd(8)} ${stat.padEnd(4)} ${start}   0:00 ${r.cmd}\n`;
    }).join('');
  }

  private uid(): number {
    return /^\d+$/.test(this.user) ? Number(this.user) : UIDS.get(this.user) ?? 1000;
  }

  private resolve(path: string): string {
    return normalize(path.startsWith('/') ? path : path.startsWith('~') ? `${this.vars.get('HOME')}${path.slice(1)}` : `${this.cwd}/${path}`);
  }

  /** Splits a command into words as sh does: quotes, backslashes, and $VAR / ${VAR} / $? expansion. */
  private words(command: string): string[] {
    const words: string[] = [];
    let word = '';
    let inWord = false;
    let quote: '"' | "'" | null = null;
    for (let i = 0; i < command.length; i += 1) {
      const c = command[i]!;
      if (quote === "'" && c !== "'") { word += c; continue; }
      if (c === "'" || c === '"') {
        if (quote === c) quote = null;
        else if (quote === null) quote = c;
        else word += c;
        inWord = true;
      } else if (c === '\\' && quote === null && i + 1 < command.length) {
        word += command[++i];
        inWord = true;
      } else if (c === '$' && /^\$(\?|\{\w+\}|\w+)/.test(command.slice(i))) {
        const token = /^\$(\?|\{\w+\}|\w+)/.exec(command.slice(i))![1]!;
        const value = token === '?' ? String(this.status) : this.vars.get(token.replace(/[{}]/g, '')) ?? '';
        word += value;
        inWord ||= quote !== null || value !== ''; // an unquoted empty expansion is no word at all
        i += token.length;
      } else if (quote === null && /\s/.test(c)) {
        if (inWord) words.push(word);
        word = '';
        inWord = false;
      } else {
        word += c;
        inWord = true;
      }
    }
    if (inWord) words.push(word);
    return words;
  }
}

/** Splits a line at the `;` that are outside quotes. */
function splitCommands(line: string): string[] {
  const commands: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quote) { if (c === quote) quote = null; } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i += 1;
    else if (c === ';') { commands.push(line.slice(start, i)); start = i + 1; }
  }
  commands.push(line.slice(start));
  return commands;
}

/** An absolute path without `.`, `..`, doubled or trailing slashes. */
function normalize(absolute: string): string {
  const parts: string[] = [];
  for (const part of absolute.split('/')) {
    if (part === '..') parts.pop();
    else if (part && part !== '.') parts.push(part);
  }
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${d.toISOString().slice(11, 19)} UTC ${d.getUTCFullYear()}`;
}
