// Exec into a simulated container: `sh` (or bash) is an interactive simulated shell; any other command runs once
// through it and the session ends with its status.
import type { Container } from '../../domain/index.js';
import type { ExecSession, ExecSink } from '../backend.js';
import { notAllowed } from '../backend-errors.js';
import { EXEC_EOF } from '../../domain/index.js';
import type { Sim } from './context.js';
import { SimShell } from './shell.js';

const SHELLS = new Set(['sh', 'bash', '/bin/sh', '/bin/bash', 'ash', '/bin/ash']);

function shellFor(sim: Sim, c: Container): SimShell {
  const env: Record<string, string> = { HOSTNAME: c.hostname ?? c.name, HOME: '/root' };
  for (const e of c.container_envvars) env[e.key] = e.value;
  const main = [c.entrypoint, c.run_command].filter(Boolean).join(' ') || defaultCommand(c.image_name);
  const started = Date.parse(c.started_datetime ?? '');
  return new SimShell({
    hostname: c.hostname ?? c.name,
    env,
    image: c.image_name,
    user: c.user || 'root',
    workingDir: c.working_dir || '/',
    processes: [main],
    privateIp: c.private_ip,
    ...(Number.isNaN(started) ? {} : { startedAtMs: started }),
  }, () => sim.clock.now());
}

function defaultCommand(image: string): string {
  const name = image.split('/').pop()!.split(':')[0]!;
  const known: Record<string, string> = {
    nginx: 'nginx -g daemon off;', redis: 'redis-server *:6379', mysql: 'mysqld', postgres: 'postgres',
    mongo: 'mongod --bind_ip_all', haproxy: 'haproxy -f /usr/local/etc/haproxy/haproxy.cfg', node: 'node server.js',
  };
  return known[name] ?? `/run.sh`;
}

export function execIn(sim: Sim, c: Container, command: string, sink: ExecSink): ExecSession {
  if (c.state !== 'Running') throw notAllowed(`Container ${c.name} is ${c.state}; exec needs a running container`);
  const shell = shellFor(sim, c);
  let done = false;
  const finish = (code: number) => {
    if (done) return;
    done = true;
    sink.exit(code);
  };
  const emit = (result: { stdout: string; stderr: string }) => {
    if (result.stdout) sink.output(result.stdout, 'stdout');
    if (result.stderr) sink.output(result.stderr, 'stderr');
  };

  if (!SHELLS.has(command.trim())) {
    // A one-shot command: run it, report, close.
    queueMicrotask(() => {
      const result = shell.run(command);
      emit(result);
      finish(result.exit ?? (result.stderr ? 127 : 0));
    });
    return { input() {}, close: () => { done = true; } };
  }

  let pending = '';
  queueMicrotask(() => sink.output(shell.prompt(), 'stdout'));
  return {
    input(text: string) {
      if (done) return;
      // A terminal echoes what is typed, and erases on backspace: the simulated one does the same, with one
      // frame for what one message brought (a frame per byte let one large paste hold the server for seconds).
      let echo = '';
      for (const ch of text.replace(/\r\n?/g, '\n')) {
        if (ch === '\u007f' || ch === '\b') {
          if (pending.length > 0 && !pending.endsWith('\n')) {
            pending = pending.slice(0, -1);
            echo += '\b \b';
          }
        } else {
          pending += ch;
          if (ch !== EXEC_EOF) echo += ch;
        }
      }
      if (echo) sink.output(echo, 'stdout');
      let newline: number;
      while (!done && (newline = pending.search(/[\n\u0004]/)) >= 0) {
        const line = pending.slice(0, newline);
        const eof = pending[newline] === EXEC_EOF;
        pending = pending.slice(newline + 1);
        if (line.trim() !== '') {
          const result = shell.run(line);
          emit(result);
          if (result.exit !== undefined) return finish(result.exit);
        }
        if (eof) return finish(0);
        sink.output(shell.prompt(), 'stdout');
      }
    },
    close: () => { done = true; },
  };
}
