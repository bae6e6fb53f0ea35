// Log lines of simulated containers, in the format of the product their image runs.
// Three families: web servers (combined access log, error log on stderr; PHP sites such as WordPress are Apache
// with mod_php, whose notices and warnings go to Apache's error log), databases and brokers (each in its own
// format; warnings and errors on stderr) and everything else (an application log with levels).
// All randomness comes from the caller's rng and all timestamps from the caller's clock, so the same seed
// and the same times give the same lines.

import type { Rng } from './random.js';

export type { Rng };

export interface LogContext { name: string; hostname: string; privateIp: string; image: string }

export interface GeneratedLine { log: string; streamType: 'stdout' | 'stderr' }

export type ImageFamily = 'web' | 'database' | 'app';

export type Product =
  | 'nginx' | 'apache' | 'php' | 'haproxy' | 'traefik' | 'caddy'
  | 'mysql' | 'postgres' | 'mongo' | 'redis' | 'memcached' | 'rabbitmq' | 'elasticsearch'
  | 'node' | 'python' | 'ruby' | 'java' | 'go' | 'app';

// A Map rather than an object literal, so that names like 'constructor' find nothing.
const PRODUCTS = new Map<string, Product>(Object.entries({
  nginx: 'nginx', 'hello-world': 'nginx', // dockercloud/hello-world is nginx serving a page
  httpd: 'apache', apache: 'apache', apache2: 'apache', haproxy: 'haproxy', traefik: 'traefik', caddy: 'caddy',
  // The official wordpress, php (-apache), drupal and joomla images: Apache httpd running PHP.
  wordpress: 'php', php: 'php', drupal: 'php', joomla: 'php', mediawiki: 'php',
  mysql: 'mysql', mariadb: 'mysql', percona: 'mysql', postgres: 'postgres', postgresql: 'postgres',
  mongo: 'mongo', mongodb: 'mongo', redis: 'redis', memcached: 'memcached', rabbitmq: 'rabbitmq',
  elasticsearch: 'elasticsearch',
  node: 'node', nodejs: 'node', python: 'python', django: 'python', ruby: 'ruby', rails: 'ruby',
  java: 'java', openjdk: 'java', tomcat: 'java', golang: 'go', go: 'go',
} satisfies Record<string, Product>));

const FAMILY: Record<Product, ImageFamily> = {
  nginx: 'web', apache: 'web', php: 'web', haproxy: 'web', traefik: 'web', caddy: 'web',
  mysql: 'database', postgres: 'database', mongo: 'database', redis: 'database', memcached: 'database',
  rabbitmq: 'database', elasticsearch: 'database',
  node: 'app', python: 'app', ruby: 'app', java: 'app', go: 'app', app: 'app',
};

/** The bare name of an image, without registry, namespace, tag or digest: 'quay.io/acme/nginx:1.11' → 'nginx'. */
export function imageBaseName(image: string): string {
  const path = image.trim().toLowerCase().split('@')[0]!;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.split(':')[0]!;
}

/** The product an image runs: its bare name, or a word of it ('nginx-proxy', 'my-redis'); 'app' when unknown. */
export function imageProduct(image: string): Product {
  const base = imageBaseName(image);
  return PRODUCTS.get(base) ?? base.split(/[-_.]/).map((word) => PRODUCTS.get(word)).find((p) => p !== undefined) ?? 'app';
}

export function imageFamily(image: string): ImageFamily {
  return FAMILY[imageProduct(image)];
}

/** The randomness and the clock of one call, with the helpers every format needs. */
class Tools {
  constructor(readonly ctx: LogContext, readonly rng: Rng, public at: number) {}
  int(n: number): number { return Math.floor(this.rng() * n); }
  between(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]!; }
  chance(p: number): boolean { return this.rng() < p; }
  /** Moves the clock on a little: successive lines of one burst (a start, a stop) have increasing times. */
  tick(): number { this.at += 1 + this.int(40); return this.at; }
  /** Another address of the container's subnet: a client of a database, an upstream of a proxy. */
  peer(): string {
    const prefix = this.ctx.privateIp.split('.').slice(0, 3).join('.') || '10.7.0';
    return `${prefix}.${this.between(2, 254)}`;
  }
  publicIp(): string {
    const first = this.pick([23, 31, 37, 46, 62, 78, 81, 84, 91, 104, 109, 151, 176, 185, 203, 212, 217]);
    return `${first}.${this.int(256)}.${this.int(256)}.${this.between(1, 254)}`;
  }
  hex(length: number): string {
    let s = '';
    for (let i = 0; i < length; i += 1) s += this.int(16).toString(16);
    return s;
  }
}

const out = (log: string): GeneratedLine => ({ log: `${log}\n`, streamType: 'stdout' });
const err = (log: string): GeneratedLine => ({ log: `${log}\n`, streamType: 'stderr' });

// ---- timestamps, all UTC ----
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number): string => String(n).padStart(2, '0');
const iso = (ms: number): string => new Date(ms).toISOString(); // 2026-11-29T10:00:00.123Z
const isoSpace = (ms: number): string => iso(ms).replace('T', ' ').slice(0, 23); // 2026-11-29 10:00:00.123
const slashDate = (ms: number): string => isoSpace(ms).slice(0, 19).replaceAll('-', '/'); // 2026/11/29 10:00:00
const clf = (ms: number): string => {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${iso(ms).slice(11, 19)} +0000`;
};
const apacheDate = (ms: number): string => {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${iso(ms).slice(11, 23)}000 ${d.getUTCFullYear()}`;
};
const redisDate = (ms: number): string => {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${iso(ms).slice(11, 23)}`;
};

// ---- web servers ----
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:63.0) Gecko/20100101 Firefox/63.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/7.52.1', 'Go-http-client/1.1', 'python-requests/2.20.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const PAGES = ['/', '/index.html', '/about', '/static/css/main.css', '/static/js/app.js', '/images/logo.png', '/api/v1/items', '/login', '/health'];
const MISSING = ['/favicon.ico', '/wp-login.php', '/.env', '/phpmyadmin/', '/old-page.html', '/robots.txt'];

/** What a WordPress site (the usual PHP site) is asked for: pages, posts, its assets, its admin and the bots. */
const PHP_PAGES = ['/', '/', '/?p=42', '/2018/11/hello-world/', '/blog/', '/feed/', '/wp-json/wp/v2/posts',
  '/wp-content/themes/twentyseventeen/style.css?ver=4.9.8', '/wp-includes/js/jquery/jquery.js?ver=1.12.4',
  '/wp-content/uploads/2018/11/header.jpg', '/wp-admin/', '/wp-admin/admin-ajax.php', '/wp-cron.php?doing_wp_cron'];
const PHP_POSTS = ['/wp-login.php', '/wp-admin/admin-ajax.php', '/xmlrpc.php', '/wp-comments-post.php'];
const PHP_MISSING = ['/favicon.ico', '/.env', '/phpmyadmin/', '/old-page.html', '/wp-content/plugins/revslider/readme.txt', '/robots.txt'];
const PHP_SOURCES = ['wp-includes/wp-db.php', 'wp-includes/class-wp-hook.php', 'wp-content/themes/twentyseventeen/functions.php',
  'wp-content/plugins/contact-form-7/includes/submission.php', 'wp-includes/formatting.php'];

/** A line PHP writes to Apache's error log (mod_php), in Apache's error-log format. */
function phpError(t: Tools, client: string, fatal: boolean): string {
  const where = `/var/www/html/${t.pick(PHP_SOURCES)} on line ${t.between(12, 3800)}`;
  const message = fatal
    ? t.pick([`PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate ${t.between(4096, 65536)} bytes) in ${where}`,
      `PHP Fatal error:  Uncaught Error: Call to undefined function mysql_connect() in ${where}`])
    : t.pick([`PHP Notice:  Undefined index: HTTP_REFERER in ${where}`, `PHP Notice:  Trying to get property 'ID' of non-object in ${where}`,
      `PHP Warning:  mysqli_real_connect(): (HY000/2002): Connection refused in ${where}`,
      `PHP Warning:  count(): Parameter must be an array or an object that implements Countable in ${where}`,
      `PHP Deprecated:  Function create_function() is deprecated in ${where}`]);
  const level = fatal ? 'error' : message.startsWith('PHP Warning') ? 'warn' : 'notice';
  return `[${apacheDate(t.at)}] [php7:${level}] [pid ${t.between(20, 400)}] [client ${client}:${t.between(1024, 65535)}] ${message}`;
}

/** The access of a PHP site, and (a few per cent) the notices, warnings and fatal errors of its PHP code. */
function phpRuntime(t: Tools): GeneratedLine {
  const ip = t.publicIp();
  const roll = t.rng();
  if (roll < 0.03) return err(phpError(t, ip, false));
  const status = roll < 0.78 ? 200 : roll < 0.86 ? 304 : roll < 0.93 ? 404 : roll < 0.97 ? 302 : roll < 0.995 ? 301 : 500;
  if (status === 500) return err(phpError(t, ip, true));
  const method = status === 404 ? 'GET' : status === 302 || t.chance(0.08) ? 'POST' : t.pick(['GET', 'GET', 'GET', 'GET', 'HEAD']);
  const path = status === 404 ? t.pick(PHP_MISSING) : method === 'POST' ? t.pick(PHP_POSTS) : t.pick(PHP_PAGES);
  const bytes = status === 304 || method === 'HEAD' ? 0 : status === 200 ? t.between(180, 60000) : t.between(0, 580);
  const referer = t.chance(0.5) ? '-' : `http://${t.ctx.hostname}${t.pick(['/', '/blog/', '/wp-admin/'])}`;
  return out(`${ip} - - [${clf(t.at)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${referer}" "${t.pick(USER_AGENTS)}"`);
}

interface Request { ip: string; method: string; path: string; upstream: string }

/** The error-log line of a failed (500) request, in each server's own format. */
function webError(product: Product, t: Tools, r: Request): string {
  switch (product) {
    case 'apache':
      return `[${apacheDate(t.at)}] [proxy_http:error] [pid ${t.between(8, 60)}:tid ${t.between(139000000000000, 139999999999999)}] (70007)The timeout specified has expired: [client ${r.ip}:${t.between(1024, 65535)}] AH01102: error reading status line from remote server ${r.upstream}:8080`;
    case 'haproxy':
      return `[WARNING] (1) : Server app/${t.ctx.name}-backend is DOWN, reason: Layer7 wrong status, code: 500, info: "Internal Server Error", check duration: ${t.between(1, 30)}ms.`;
    case 'traefik':
      return `time="${iso(t.at).slice(0, 19)}Z" level=error msg="'500 Internal Server Error' caused by: dial tcp ${r.upstream}:80: connect: connection refused"`;
    case 'caddy':
      return `${slashDate(t.at)} [ERROR] 500 ${r.path}: dial tcp ${r.upstream}:8080: connect: connection refused`;
    default: {
      const worker = t.between(6, 12);
      return `${slashDate(t.at)} [error] ${worker}#${worker}: *${t.between(1, 99999)} upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${r.ip}, server: ${t.ctx.hostname}, request: "${r.method} ${r.path} HTTP/1.1", upstream: "http://${r.upstream}:8080${r.path}", host: "${t.ctx.hostname}"`;
    }
  }
}

function webRuntime(product: Product, t: Tools): GeneratedLine {
  if (product === 'php') return phpRuntime(t);
  const roll = t.rng();
  const status = roll < 0.78 ? 200 : roll < 0.88 ? 304 : roll < 0.96 ? 404 : roll < 0.98 ? 301 : roll < 0.99 ? 403 : 500;
  const method = status === 404 ? 'GET' : t.pick(['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'HEAD']);
  const page = method === 'POST' ? t.pick(['/login', '/api/v1/items']) : t.pick(PAGES);
  const path = status === 404 ? t.pick(MISSING) : page.replace('/items', t.chance(0.5) ? `/items/${t.between(1, 9999)}` : '/items');
  const r: Request = { ip: t.publicIp(), method, path, upstream: t.peer() };
  if (status === 500) return err(webError(product, t, r));
  const bytes = status === 304 || method === 'HEAD' ? 0 : status === 200 ? t.between(180, 48000) : t.between(150, 580);
  const referer = t.chance(0.6) ? '-' : `http://${t.ctx.hostname}${t.pick(PAGES)}`;
  return out(`${r.ip} - - [${clf(t.at)}] "${method} ${path} HTTP/1.1" ${status} ${bytes} "${referer}" "${t.pick(USER_AGENTS)}"`);
}

function webStart(product: Product, t: Tools): GeneratedLine[] {
  const ip = t.ctx.privateIp;
  switch (product) {
    case 'php': {
      // The wordpress image's entrypoint copies WordPress into the volume on a first start, then runs Apache.
      const copy = imageBaseName(t.ctx.image) === 'wordpress'
        ? [err('WordPress not found in /var/www/html - copying now...'), err('Complete! WordPress has been successfully copied to /var/www/html')]
        : [];
      const fqdn = `AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message`;
      return [...copy, err(fqdn), err(fqdn),
        err(`[${apacheDate(t.tick())}] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.25 (Debian) PHP/7.2.12 configured -- resuming normal operations`),
        err(`[${apacheDate(t.tick())}] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'`)];
    }
    case 'apache': {
      const fqdn = `AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ip}. Set the 'ServerName' directive globally to suppress this message`;
      return [err(fqdn), err(fqdn),
        err(`[${apacheDate(t.tick())}] [mpm_event:notice] [pid 1:tid 140100000000000] AH00489: Apache/2.4.25 (Unix) configured -- resuming normal operations`),
        err(`[${apacheDate(t.tick())}] [core:notice] [pid 1:tid 140100000000000] AH00094: Command line: 'httpd -D FOREGROUND'`)];
    }
    case 'haproxy':
      return [err('[NOTICE] (1) : haproxy version is 1.8.14'), err('[NOTICE] (1) : path to executable is /usr/local/sbin/haproxy'),
        out('Proxy http-in started.'), out('Proxy app started.')];
    case 'traefik':
      return [out(`time="${iso(t.tick()).slice(0, 19)}Z" level=info msg="Traefik version v1.7.4 built on 2018-10-30_10:44:30AM"`),
        out(`time="${iso(t.tick()).slice(0, 19)}Z" level=info msg="Starting server on :80"`)];
    case 'caddy':
      return [out('Activating privacy features... done.'), out(`http://${t.ctx.hostname}:80`)];
    default:
      return ['using the "epoll" event method', 'nginx/1.15.7', 'built by gcc 6.3.0 20170516 (Debian 6.3.0-18+deb9u1)',
        'start worker processes', 'start worker process 7'].map((m) => err(`${slashDate(t.tick())} [notice] 1#1: ${m}`));
  }
}

function webStop(product: Product, t: Tools, exitCode: number): GeneratedLine[] {
  const graceful = exitCode === 0 || exitCode === 143;
  switch (product) {
    case 'php':
      return graceful
        ? [err(`[${apacheDate(t.tick())}] [mpm_prefork:notice] [pid 1] AH00169: caught SIGTERM, shutting down`)]
        : [err(phpError(t, t.peer(), true)),
          err(`[${apacheDate(t.tick())}] [core:notice] [pid 1] AH00051: child pid ${t.between(20, 400)} exit signal Segmentation fault (11), possible coredump in /etc/apache2`)];
    case 'apache':
      return graceful
        ? [err(`[${apacheDate(t.tick())}] [mpm_event:notice] [pid 1:tid 140100000000000] AH00491: caught SIGTERM, shutting down`)]
        : [err(`[${apacheDate(t.tick())}] [core:emerg] [pid 1:tid 140100000000000] (28)No space left on device: AH00023: Couldn't create the proxy mutex`),
          err(`AH00016: Configuration Failed`)];
    case 'haproxy':
      return graceful ? [err('[WARNING] (1) : Exiting Master process...')]
        : [err('[ALERT] (1) : Current worker #1 (7) exited with code 139 (Segmentation fault)')];
    case 'traefik':
    case 'caddy':
      return graceful ? [out(`time="${iso(t.tick()).slice(0, 19)}Z" level=info msg="I have to go... terminated"`)]
        : [err(`panic: runtime error: invalid memory address or nil pointer dereference`), err('[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x8e3b2a]')];
    default:
      return graceful
        ? ['1#1: signal 15 (SIGTERM) received, exiting', '7#7: exiting', '7#7: exit',
          '1#1: signal 17 (SIGCHLD) received from 7', '1#1: worker process 7 exited with code 0', '1#1: exit']
          .map((m) => err(`${slashDate(t.tick())} [notice] ${m}`))
        : [err(`${slashDate(t.tick())} [alert] 1#1: worker process 7 exited on signal 11`),
          err(`${slashDate(t.tick())} [emerg] 1#1: open() "/var/run/nginx.pid" failed (28: No space left on device)`)];
  }
}

// ---- databases and brokers ----
interface ProductLogs {
  runtime(t: Tools): GeneratedLine;
  start(t: Tools): GeneratedLine[];
  stop(t: Tools): GeneratedLine[];
  crash(t: Tools, exitCode: number): GeneratedLine[];
}

const mysqlTs = (t: Tools): string => `${iso(t.at).slice(0, 23)}${t.between(100, 999)}Z`;
const mysql: ProductLogs = {
  runtime(t) {
    const id = t.between(8, 9000);
    const roll = t.rng();
    if (roll < 0.6) return out(`${mysqlTs(t)} ${id} [Note] Aborted connection ${id} to db: 'app' user: 'app' host: '${t.peer()}' (Got an error reading communication packets)`);
    if (roll < 0.75) return out(`${mysqlTs(t)} 0 [Note] InnoDB: page_cleaner: 1000ms intended loop took ${t.between(4000, 9000)}ms. The settings might not be optimal. (flushed=${t.int(200)} and evicted=0, during the time.)`);
    if (roll < 0.9) return err(`${mysqlTs(t)} ${id} [Warning] IP address '${t.peer()}' could not be resolved: Name or service not known`);
    return err(`${mysqlTs(t)} ${id} [Warning] Access denied for user 'root'@'${t.peer()}' (using password: YES)`);
  },
  start: (t) => ["mysqld (mysqld 5.7.24) starting as process 1 ...", 'InnoDB: Buffer pool(s) load completed',
    "Server hostname (bind-address): '*'; port: 3306", 'Event Scheduler: Loaded 0 events', 'mysqld: ready for connections.']
    .map((m) => { t.tick(); return out(`${mysqlTs(t)} 0 [Note] ${m}`); })
    .concat(out("Version: '5.7.24'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server (GPL)")),
  stop: (t) => ['Giving 0 client threads a chance to die gracefully', 'Shutting down slave threads', 'InnoDB: Starting shutdown...',
    `InnoDB: Shutdown completed; log sequence number ${t.between(2500000, 9000000)}`, 'mysqld: Shutdown complete']
    .map((m) => { t.tick(); return out(`${mysqlTs(t)} 0 [Note] ${m}`); }),
  crash: (t) => ['InnoDB: Cannot allocate memory for the buffer pool', 'Aborting']
    .map((m) => { t.tick(); return err(`${mysqlTs(t)} 0 [ERROR] ${m}`); }),
};

const pgLine = (t: Tools, pid: number, level: string, msg: string): GeneratedLine =>
  (level === 'LOG' ? out : err)(`${isoSpace(t.at)} UTC [${pid}] ${level}:  ${msg}`);
const postgres: ProductLogs = {
  runtime(t) {
    const pid = t.between(30, 4000);
    const roll = t.rng();
    if (roll < 0.45) return pgLine(t, pid, 'LOG', `duration: ${t.between(100, 4000)}.${t.between(100, 999)} ms  statement: SELECT * FROM orders WHERE customer_id = ${t.between(1, 99999)} ORDER BY created_at DESC LIMIT 50`);
    if (roll < 0.65) return pgLine(t, 27, 'LOG', 'checkpoint starting: time');
    if (roll < 0.85) return pgLine(t, 27, 'LOG', `checkpoint complete: wrote ${t.between(1, 900)} buffers (${t.int(6)}.${t.int(10)}%); 0 WAL file(s) added, 0 removed, ${t.int(3)} recycled; write=${t.between(1, 90)}.${t.between(100, 999)} s, sync=0.0${t.between(10, 99)} s, total=${t.between(1, 90)}.${t.between(100, 999)} s`);
    if (roll < 0.93) return pgLine(t, pid, 'LOG', 'could not receive data from client: Connection reset by peer');
    if (roll < 0.97) return pgLine(t, pid, 'ERROR', 'duplicate key value violates unique constraint "users_email_key"');
    return pgLine(t, pid, 'FATAL', 'password authentication failed for user "postgres"');
  },
  start: (t) => [[1, 'listening on IPv4 address "0.0.0.0", port 5432'], [1, 'listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"'],
    [24, `database system was shut down at ${isoSpace(t.at - 3_600_000).slice(0, 19)} UTC`], [1, 'database system is ready to accept connections']]
    .map(([pid, m]) => { t.tick(); return pgLine(t, pid as number, 'LOG', m as string); }),
  stop: (t) => ['received smart shutdown request', 'background worker "logical replication launcher" (PID 30) exited with exit code 1',
    'shutting down', 'database system is shut down'].map((m) => { t.tick(); return pgLine(t, 1, 'LOG', m); }),
  crash: (t) => [pgLine(t, 27, 'PANIC', `could not write to file "pg_wal/xlogtemp.27": No space left on device`),
    pgLine(t, 1, 'LOG', 'checkpointer process (PID 27) was terminated by signal 6: Aborted')],
};

const mongoTs = (ms: number): string => iso(ms).replace('Z', '+0000');
const mongo: ProductLogs = {
  runtime(t) {
    const conn = t.between(5, 900);
    const open = t.between(2, 40);
    const roll = t.rng();
    const peer = `${t.peer()}:${t.between(32768, 60999)}`;
    if (roll < 0.35) return out(`${mongoTs(t.at)} I NETWORK  [listener] connection accepted from ${peer} #${conn} (${open} connections now open)`);
    if (roll < 0.7) return out(`${mongoTs(t.at)} I NETWORK  [conn${conn}] end connection ${peer} (${open - 1} connections now open)`);
    if (roll < 0.95) return out(`${mongoTs(t.at)} I COMMAND  [conn${conn}] command app.orders command: find { find: "orders", filter: { customerId: ${t.between(1, 99999)} } } planSummary: COLLSCAN keysExamined:0 docsExamined:${t.between(1000, 90000)} numYields:${t.int(700)} nreturned:${t.int(50)} reslen:${t.between(100, 20000)} ${t.between(100, 3000)}ms`);
    return err(`${mongoTs(t.at)} W NETWORK  [HostnameCanonicalizationWorker] Failed to obtain address information for hostname ${t.ctx.hostname}: Name or service not known`);
  },
  start: (t) => [`CONTROL  [initandlisten] MongoDB starting : pid=1 port=27017 dbpath=/data/db 64-bit host=${t.ctx.hostname}`,
    'CONTROL  [initandlisten] db version v3.6.9', 'STORAGE  [initandlisten] wiredtiger_open config: create,cache_size=256M,log=(enabled=true)',
    'NETWORK  [initandlisten] waiting for connections on port 27017'].map((m) => out(`${mongoTs(t.tick())} I ${m}`)),
  stop: (t) => ['got signal 15 (Terminated), will terminate after current cmd ends', 'shutdown: going to close listening sockets...',
    'WiredTigerKVEngine shutting down', 'now exiting', 'shutting down with code:0']
    .map((m) => out(`${mongoTs(t.tick())} I CONTROL  [signalProcessingThread] ${m}`)),
  crash: (t, code) => [err(`${mongoTs(t.tick())} E STORAGE  [WTCheckpointThread] WiredTiger error (28) [1543485600:123][1:0x7f3a], file:collection-0--123.wt: No space left on device`),
    err(`${mongoTs(t.tick())} F -        [WTCheckpointThread] Fatal Assertion 28559 at src/mongo/db/storage/wiredtiger/wiredtiger_util.cpp 64`),
    err(`${mongoTs(t.tick())} I CONTROL  [WTCheckpointThread] shutting down with code:${code}`)],
};

const redis: ProductLogs = {
  runtime(t) {
    const child = t.between(20, 9000);
    const steps = [
      out(`1:M ${redisDate(t.at)} * ${t.between(1, 10)} changes in 300 seconds. Saving...`),
      out(`1:M ${redisDate(t.at)} * Background saving started by pid ${child}`),
      out(`${child}:C ${redisDate(t.at)} * DB saved on disk`),
      out(`${child}:C ${redisDate(t.at)} * RDB: 0 MB of memory used by copy-on-write`),
      out(`1:M ${redisDate(t.at)} * Background saving terminated with success`),
      err(`1:M ${redisDate(t.at)} # Client id=${t.between(3, 999)} addr=${t.peer()}:${t.between(32768, 60999)} closed for overcoming of output buffer limits.`),
    ];
    return t.chance(0.03) ? steps[5]! : t.pick(steps.slice(0, 5));
  },
  start: (t) => [out(`1:C ${redisDate(t.tick())} # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo`),
    out(`1:C ${redisDate(t.tick())} # Redis version=4.0.11, bits=64, commit=00000000, modified=0, pid=1, just started`),
    out(`1:M ${redisDate(t.tick())} * Running mode=standalone, port=6379.`),
    err(`1:M ${redisDate(t.tick())} # WARNING: The TCP backlog setting of 511 cannot be enforced because /proc/sys/net/core/somaxconn is set to the lower value of 128.`),
    out(`1:M ${redisDate(t.tick())} # Server initialized`), out(`1:M ${redisDate(t.tick())} * Ready to accept connections`)],
  stop: (t) => [out(`1:signal-handler (${Math.floor(t.at / 1000)}) Received SIGTERM scheduling shutdown...`),
    ...['# User requested shutdown...', '* Saving the final RDB snapshot before exiting.', '* DB saved on disk', '# Redis is now ready to exit, bye bye...']
      .map((m) => out(`1:M ${redisDate(t.tick())} ${m}`))],
  crash: (t) => [err(`1:M ${redisDate(t.tick())} # Out Of Memory allocating ${t.between(1000, 90000)} bytes!`),
    err('=== REDIS BUG REPORT START: Cut & paste starting from here ===')],
};

const memcached: ProductLogs = {
  runtime(t) {
    const fd = t.between(28, 120);
    const key = `session:${t.hex(12)}`;
    return out(t.pick([`<${fd} new auto-negotiating client connection`, `${fd}: Client using the ascii protocol`,
      `<${fd} get ${key}`, `>${fd} END`, `>${fd} sending key ${key}`, `<${fd} set ${key} 0 3600 ${t.between(40, 900)}`,
      `>${fd} STORED`, `<${fd} connection closed.`]));
  },
  start: () => [out('slab class   1: chunk size        96 perslab   10922'), out('slab class   2: chunk size       120 perslab    8738'),
    out('<26 server listening (auto-negotiate)'), out('<27 server listening (udp)')],
  stop: () => [out('Signal handled: Terminated.')],
  crash: () => [err('Failed to allocate memory for hash table')],
};

const rabbitTs = (t: Tools): string => isoSpace(t.at);
const rabbitmq: ProductLogs = {
  runtime(t) {
    const pid = `<0.${t.between(600, 9000)}.0>`;
    const link = `${t.peer()}:${t.between(32768, 60999)} -> ${t.ctx.privateIp}:5672`;
    const roll = t.rng();
    if (roll < 0.35) return out(`${rabbitTs(t)} [info] ${pid} accepting AMQP connection ${pid} (${link})`);
    if (roll < 0.7) return out(`${rabbitTs(t)} [info] ${pid} connection ${pid} (${link}): user 'app' authenticated and granted access to vhost '/'`);
    if (roll < 0.95) return out(`${rabbitTs(t)} [info] ${pid} closing AMQP connection ${pid} (${link}, vhost: '/', user: 'app')`);
    return err(`${rabbitTs(t)} [warning] ${pid} closing AMQP connection ${pid} (${link}, vhost: '/', user: 'app'): client unexpectedly closed TCP connection`);
  },
  start: (t) => ['<0.33.0> Application lager started on node rabbit@' + t.ctx.hostname,
    '<0.218.0> Starting RabbitMQ 3.7.8 on Erlang 20.3.8.5', `<0.218.0> node           : rabbit@${t.ctx.hostname}`,
    '<0.386.0> started TCP listener on [::]:5672', '<0.5.0> Server startup complete; 3 plugins started.']
    .map((m) => { t.tick(); return out(`${rabbitTs(t)} [info] ${m}`); }),
  stop: (t) => ['<0.60.0> SIGTERM received - shutting down', '<0.218.0> Stopping RabbitMQ applications and their dependencies',
    '<0.386.0> stopped TCP listener on [::]:5672', '<0.33.0> Application rabbit exited with reason: stopped']
    .map((m) => { t.tick(); return out(`${rabbitTs(t)} [info] ${m}`); }),
  crash: (t) => [err(`${rabbitTs(t)} [error] <0.218.0> Error: {badmatch,{error,{not_a_dets_file,"/var/lib/rabbitmq/mnesia/recovery.dets"}}}`),
    err('BOOT FAILED')],
};

const esLine = (t: Tools, level: string, logger: string, msg: string): GeneratedLine =>
  (level.startsWith('INFO') ? out : err)(`[${iso(t.at).slice(0, 19)},${iso(t.at).slice(20, 23)}][${level}][${logger.padEnd(25)}] [${t.ctx.hostname}] ${msg}`);
const elasticsearch: ProductLogs = {
  runtime(t) {
    const index = `logstash-${iso(t.at).slice(0, 10).replaceAll('-', '.')}`;
    const roll = t.rng();
    if (roll < 0.55) return esLine(t, 'INFO ', 'o.e.c.m.MetaDataMappingService', `[${index}/${t.hex(22)}] update_mapping [doc]`);
    if (roll < 0.75) return esLine(t, 'INFO ', 'o.e.c.m.MetaDataCreateIndexService', `[${index}] creating index, cause [auto(bulk api)], templates [], shards [5]/[1], mappings []`);
    if (roll < 0.92) return esLine(t, 'INFO ', 'o.e.c.r.a.AllocationService', `Cluster health status changed from [YELLOW] to [GREEN] (reason: [shards started [[${index}][${t.int(5)}]] ...]).`);
    return esLine(t, 'WARN ', 'o.e.m.j.JvmGcMonitorService', `[gc][${t.between(100, 90000)}] overhead, spent [${t.between(300, 1500)}ms] collecting in the last [1s]`);
  },
  start: (t) => [['o.e.n.Node', 'initializing ...'],
    ['o.e.e.NodeEnvironment', 'using [1] data paths, mounts [[/usr/share/elasticsearch/data (/dev/sda1)]], net usable_space [42gb]'],
    ['o.e.t.TransportService', `publish_address {${t.ctx.privateIp}:9300}, bound_addresses {0.0.0.0:9300}`],
    ['o.e.h.n.Netty4HttpServerTransport', `publish_address {${t.ctx.privateIp}:9200}, bound_addresses {0.0.0.0:9200}`],
    ['o.e.n.Node', 'started']].map(([logger, m]) => { t.tick(); return esLine(t, 'INFO ', logger!, m!); }),
  stop: (t) => ['stopping ...', 'stopped', 'closing ...', 'closed'].map((m) => { t.tick(); return esLine(t, 'INFO ', 'o.e.n.Node', m); }),
  crash: (t) => [esLine(t, 'ERROR', 'o.e.b.ElasticsearchUncaughtExceptionHandler', `fatal error in thread [elasticsearch[${t.ctx.hostname}][search][T#3]], exiting`),
    err('java.lang.OutOfMemoryError: Java heap space')],
};

const DATABASES: Partial<Record<Product, ProductLogs>> = { mysql, postgres, mongo, redis, memcached, rabbitmq, elasticsearch };

// ---- applications ----
const EXCEPTIONS: Partial<Record<Product, readonly string[]>> = {
  python: ["KeyError: 'customer_id'", 'psycopg2.OperationalError: could not connect to server: Connection refused'],
  ruby: ["NoMethodError: undefined method `id' for nil:NilClass", 'ActiveRecord::RecordNotFound: Couldn\'t find Order'],
  java: ['java.lang.NullPointerException', 'java.net.SocketTimeoutException: Read timed out'],
  go: ['runtime error: invalid memory address or nil pointer dereference', 'dial tcp: i/o timeout'],
};
const JS_EXCEPTIONS = ["TypeError: Cannot read property 'id' of undefined", 'Error: connect ECONNREFUSED'];

/** One frame of a stack trace, as the runtime prints it. */
function stackFrame(product: Product, t: Tools): string {
  const line = t.between(12, 400);
  const fn = t.pick(['process', 'handle', 'charge', 'sync', 'render']);
  switch (product) {
    case 'python': return `  File "/app/app/tasks.py", line ${line}, in ${fn}`;
    case 'ruby': return `/app/app/jobs/sync_job.rb:${line}:in \`${fn}'`;
    case 'java': return `    at com.example.orders.OrderService.${fn}(OrderService.java:${line})`;
    case 'go': return `    /go/src/app/worker.go:${line} +0x${t.hex(3)}`;
    // `npm start` runs /usr/src/app/server.js (see the banner): the frames are the app's modules there.
    case 'node': return `    at ${t.pick(['OrderService', 'Router', 'Queue'])}.${fn} (/usr/src/app/lib/${t.pick(['orders', 'routes', 'queue'])}.js:${line}:${t.between(5, 40)})`;
    default: return `    at Worker.${fn} (/app/src/worker.js:${line}:${t.between(5, 40)})`;
  }
}

const appLine = (t: Tools, level: 'INFO' | 'WARN' | 'ERROR', thread: string, msg: string): GeneratedLine =>
  (level === 'INFO' ? out : err)(`${iso(t.at)} ${level.padEnd(5)} [${thread}] ${msg}`);

/** A line of the application's log; an error comes with its stack trace, as the runtime prints it. */
function appRuntime(product: Product, t: Tools): GeneratedLine[] {
  const thread = t.chance(0.8) ? `worker-${t.between(1, 8)}` : t.pick(['main', 'scheduler', 'http-1', 'http-2']);
  const ms = t.between(1, 300);
  const roll = t.rng();
  if (roll < 0.012) {
    const error = appLine(t, 'ERROR', thread, `job ${t.between(1, 99999)} failed: ${t.pick(EXCEPTIONS[product] ?? JS_EXCEPTIONS)}`);
    return [error, ...Array.from({ length: t.between(1, 3) }, () => err(stackFrame(product, t)))];
  }
  if (roll < 0.04) {
    return [appLine(t, 'WARN', thread, t.pick([`slow query took ${ms * 20}ms: SELECT * FROM orders WHERE status = 'pending'`,
      `retrying request to ${t.peer()}:8080 (attempt ${t.between(2, 5)}/5)`, 'connection pool nearly exhausted (9/10 in use)']))];
  }
  const id = t.between(1, 99999);
  return [appLine(t, 'INFO', thread, t.pick([`processed job ${id} in ${ms}ms`, `GET /api/orders/${id} 200 ${ms}ms`,
    `POST /api/orders 201 ${ms}ms`, `cache hit ratio ${t.between(60, 99)}% (${t.between(100, 9000)} keys)`,
    `scheduled task cleanup-sessions removed ${t.int(40)} expired sessions`, `sent notification ${t.hex(8)} to customer ${id}`]))];
}

/** What the language runtime or its launcher prints before the application's own log starts. */
function appBanner(product: Product, t: Tools): GeneratedLine[] {
  switch (product) {
    case 'node': return [out('> app@1.0.0 start /usr/src/app'), out('> node server.js')];
    case 'python': return [`Starting gunicorn 19.9.0`, `Listening at: http://0.0.0.0:8000 (1)`, 'Using worker: sync', 'Booting worker with pid: 8']
      .map((m, i) => out(`[${isoSpace(t.tick()).slice(0, 19)} +0000] [${i === 3 ? 8 : 1}] [INFO] ${m}`));
    case 'ruby': return ['Puma starting in single mode...', '* Version 3.12.0 (ruby 2.5.3-p105), codename: Llamas in Pajamas',
      '* Environment: production', '* Listening on tcp://0.0.0.0:3000', 'Use Ctrl-C to stop'].map(out);
    case 'java': return [`Starting Application v1.0.0 on ${t.ctx.hostname} with PID 1`, 'Tomcat initialized with port(s): 8080 (http)']
      .map((m) => { t.tick(); return appLine(t, 'INFO', 'main', m); });
    default: return [];
  }
}

function appStart(product: Product, t: Tools): GeneratedLine[] {
  const port = product === 'java' || product === 'go' ? 8080 : product === 'python' ? 8000 : 3000;
  const own = [`starting ${t.ctx.name} on ${t.ctx.hostname} (${t.ctx.privateIp})`,
    `connected to database at ${t.peer()}:5432`, `listening on 0.0.0.0:${port}`];
  return [...appBanner(product, t), ...own.map((m) => { t.tick(); return appLine(t, 'INFO', 'main', m); })];
}

function appStop(product: Product, t: Tools, exitCode: number): GeneratedLine[] {
  if (exitCode === 0 || exitCode === 143) {
    return ['received SIGTERM, shutting down', `waiting for ${t.int(4)} in-flight requests`, 'closed database connections', 'bye']
      .map((m) => { t.tick(); return appLine(t, 'INFO', 'main', m); });
  }
  const lines = [appLine(t, 'ERROR', 'main', `uncaught exception: ${t.pick(EXCEPTIONS[product] ?? JS_EXCEPTIONS)}`)];
  for (let i = t.between(2, 4); i > 0; i -= 1) lines.push(err(stackFrame(product, t)));
  if (product === 'node') lines.push(err('npm ERR! code ELIFECYCLE'), err(`npm ERR! errno ${exitCode}`));
  return lines;
}

// ---- the API ----

/**
 * What a running container writes at time `atMs`: one line, or an error with its stack trace (applications), each
 * ending with "\n".
 */
export function runtimeLines(ctx: LogContext, rng: Rng, atMs: number): GeneratedLine[] {
  const product = imageProduct(ctx.image);
  const t = new Tools(ctx, rng, atMs);
  const db = DATABASES[product];
  if (db) return [db.runtime(t)];
  return FAMILY[product] === 'web' ? [webRuntime(product, t)] : appRuntime(product, t);
}

/** Lines the container writes when it starts, each ending with "\n"; their timestamps are a few ms apart from atMs on. */
export function startLines(ctx: LogContext, rng: Rng, atMs: number): GeneratedLine[] {
  const product = imageProduct(ctx.image);
  const t = new Tools(ctx, rng, atMs);
  const db = DATABASES[product];
  if (db) return db.start(t);
  return FAMILY[product] === 'web' ? webStart(product, t) : appStart(product, t);
}

/**
 * Lines the container writes when it stops: a clean shutdown for exit code 0 or 143 (SIGTERM), a fatal error
 * for any other code, and nothing for 137, since a process killed with SIGKILL (or by the OOM killer) gets no
 * chance to write.
 */
export function stopLines(ctx: LogContext, rng: Rng, atMs: number, exitCode: number): GeneratedLine[] {
  if (exitCode === 137) return [];
  const product = imageProduct(ctx.image);
  const t = new Tools(ctx, rng, atMs);
  const db = DATABASES[product];
  if (db) return exitCode === 0 || exitCode === 143 ? db.stop(t) : db.crash(t, exitCode);
  return FAMILY[product] === 'web' ? webStop(product, t, exitCode) : appStop(product, t, exitCode);
}

/** Lines per second a container of this image writes on average (web servers busier than databases). */
export function lineRate(image: string): number {
  const product = imageProduct(image);
  if (imageBaseName(image) === 'hello-world') return 0.5;
  switch (product) {
    case 'nginx': case 'apache': case 'php': case 'haproxy': case 'traefik': case 'caddy': return 2;
    case 'mongo': case 'memcached': return 0.4;
    case 'rabbitmq': return 0.3;
    case 'postgres': case 'elasticsearch': return 0.2;
    case 'mysql': return 0.1;
    case 'redis': return 0.05;
    default: return 1;
  }
}
