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
  // What one message brings is answered in as few frames as it takes (consecutive output of a stream together),
  // and a message of many lines yields to the event loop between batches: one client cannot hold the server.
  const frames: Array<[string, 'stdout' | 'stderr']> = [];
  const out = (text: string, stream: 'stdout' | 'stderr') => {
    const last = frames.at(-1);
    if (last && last[1] === stream) last[0] += text;
    else frames.push([text, stream]);
  };
  const flush = () => {
    for (const [text, stream] of frames.splice(0)) if (text) sink.output(text, stream);
  };
  const LINES_PER_TURN = 200;
  const runLines = () => {
    let newline: number;
    let ran = 0;
    while (!done && (newline = pending.search(/[\n\u0004]/)) >= 0) {
      if (ran++ === LINES_PER_TURN) {
        flush();
        setImmediate(runLines);
        return;
      }
      const line = pending.slice(0, newline);
      const eof = pending[newline] === EXEC_EOF;
      pending = pending.slice(newline + 1);
      if (line.trim() !== '') {
        const result = shell.run(line);
        if (result.stdout) out(result.stdout, 'stdout');
        if (result.stderr) out(result.stderr, 'stderr');
        if (result.exit !== undefined) {
          flush();
          return finish(result.exit);
        }
      }
      if (eof) {
        flush();
        return finish(0);
      }
      out(shell.prompt(), 'stdout');
    }
    flush();
  };
  return {
    input(text: string) {
      if (done) return;
      // A terminal echoes what is typed, and erases on backspace: the simulated one does the same.
      for (const ch of text.replace(/\r\n?/g, '\n')) {
        if (ch === '\u007f' || ch === '\b') {
          if (pending.length > 0 && !pending.endsWith('\n')) {
            pending = pending.slice(0, -1);
            out('\b \b', 'stdout');
          }
        } else {
          pending += ch;
          if (ch !== EXEC_EOF) out(ch, 'stdout');
        }
      }
      runLines();
    },
    close: () => { done = true; },
  };
}
