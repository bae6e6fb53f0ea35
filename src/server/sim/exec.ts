// Exec into a simulated container: `sh` (or bash) is an interactive simulated shell, with a line editor (arrows,
// history, the ctrl keys: line-editor.ts); any other command runs once through it and the session ends with its
// status. ctrl-d (EXEC_EOF) on an empty line ends the input, and the session with status 0.
import type { Container } from '../../domain/index.js';
import type { ExecSession, ExecSink } from '../backend.js';
import { notAllowed } from '../backend-errors.js';
import type { Sim } from './context.js';
import { CLEAR_SCREEN, LineEditor, type EditorEvent } from './line-editor.js';
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

  const editor = new LineEditor();
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
  /** What the editor made of the input, in order; lines wait for the ones before them to have run. */
  let queue: EditorEvent[] = [];
  let head = 0;
  let yielded = false;
  const runLine = (line: string): boolean => {
    if (line.trim() === '') return false;
    const result = shell.run(line);
    if (result.stdout) out(result.stdout, 'stdout');
    if (result.stderr) out(result.stderr, 'stderr');
    if (result.exit === undefined) return false;
    flush();
    finish(result.exit);
    return true;
  };
  const drain = () => {
    yielded = false;
    let ran = 0;
    let event: EditorEvent | undefined;
    while (!done && (event = queue[head++])) {
      switch (event.type) {
        case 'output':
          out(event.text, 'stdout');
          break;
        case 'clear':
          out(CLEAR_SCREEN + shell.prompt() + event.redraw, 'stdout');
          break;
        case 'interrupt':
          out(shell.prompt(), 'stdout');
          break;
        case 'line':
          if (runLine(event.text)) return;
          out(shell.prompt(), 'stdout');
          if (++ran === LINES_PER_TURN && head < queue.length) {
            flush();
            yielded = true;
            setImmediate(drain);
            return;
          }
          break;
        case 'eof':
          if (runLine(event.line)) return;
          flush();
          return finish(0);
      }
    }
    queue = [];
    head = 0;
    flush();
  };
  return {
    input(text: string) {
      if (done) return;
      // A terminal echoes what is typed and edits the line (arrows, history, ctrl keys): the simulated one does too.
      for (const event of editor.feed(text)) queue.push(event);
      if (!yielded) drain();
    },
    close: () => { done = true; },
  };
}
