// Logs and exec from the engine: its multiplexed streams (8-byte frame headers: stdout or stderr, then a length)
// demultiplexed into lines with their timestamps, and exec sessions bridged to the Stream API's sink.
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { StreamType } from '../../domain/index.js';
import type { ExecSession, ExecSink, LogLine, LogOptions, LogSink, Subscription } from '../backend.js';
import { engine } from './errors.js';

/** Splits the engine's multiplexed stream into its frames; a tty stream is one plain stdout. */
export function demuxer(tty: boolean, onData: (stream: StreamType, data: Buffer) => void): (chunk: Buffer) => void {
  if (tty) return (chunk) => onData('stdout', chunk);
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      onData(pending[0] === 2 ? 'stderr' : 'stdout', pending.subarray(8, 8 + size));
      pending = pending.subarray(8 + size);
    }
  };
}

/** Whole lines, per stream, from chunks that may cut them anywhere. */
export function lineSplitter(onLine: (stream: StreamType, text: string) => void): { push(stream: StreamType, data: Buffer): void; end(): void } {
  const partial: Record<StreamType, string> = { stdout: '', stderr: '' };
  return {
    push(stream, data) {
      const text = partial[stream] + data.toString('utf8');
      const lines = text.split('\n');
      partial[stream] = lines.pop()!;
      for (const line of lines) onLine(stream, line.replace(/\r$/, ''));
    },
    end() {
      for (const stream of ['stdout', 'stderr'] as const) if (partial[stream]) onLine(stream, partial[stream]);
    },
  };
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?/;

/** "2026-12-01T22:00:00.123456789Z message" → its time and text. */
export function stamped(line: string): { time: number; text: string } {
  const m = STAMP.exec(line);
  if (!m) return { time: Date.now(), text: line };
  return { time: Date.parse(m[1]!.replace(/(\.\d{3})\d+Z$/, '$1Z')), text: line.slice(m[0].length) };
}

/** Follows (or tails) an engine log stream into a sink; `line` may rewrite each line (service logs' sources). */
export async function pipeEngineLogs(
  open: () => Promise<NodeJS.ReadableStream | Buffer>, tty: boolean, options: LogOptions, sink: LogSink, endReason: string,
  line: (stream: StreamType, text: string) => LogLine = (streamType, text) => ({ ...stampedLine(text), streamType }),
): Promise<Subscription> {
  const result = await open();
  const lines = lineSplitter((stream, text) => sink.line(line(stream, text)));
  const feed = demuxer(tty, (stream, data) => lines.push(stream, data));
  if (Buffer.isBuffer(result)) {
    feed(result);
    lines.end();
    sink.end('end of log');
    return { close() {} };
  }
  let closed = false;
  result.on('data', (chunk: Buffer) => feed(chunk));
  result.on('end', () => {
    lines.end();
    if (!closed) sink.end(options.follow ? endReason : 'end of log');
  });
  result.on('error', (error: Error) => !closed && sink.end(`log stream failed: ${error.message}`));
  return {
    close() {
      closed = true;
      (result as unknown as { destroy?: () => void }).destroy?.();
    },
  };
}

export function stampedLine(text: string): { log: string; time: number } {
  const { time, text: log } = stamped(text);
  return { log, time };
}

/** A command run in a container through the engine's exec, its input and output bridged to the sink. */
export async function engineExec(docker: Docker, containerId: string, command: string, tty: boolean, sink: ExecSink): Promise<ExecSession> {
  const container = docker.getContainer(containerId);
  const exec = await engine('starting the command', () => container.exec({
    Cmd: command.trim().split(/\s+/), AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: tty,
    ...(tty ? { Env: ['TERM=xterm-256color'] } : {}),
  }));
  const stream = await engine('attaching to the command', () => exec.start({ hijack: true, stdin: true, Tty: tty })) as Duplex;
  const feed = demuxer(tty, (streamType, data) => sink.output(data.toString('utf8'), streamType));
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    void exec.inspect().then((info) => sink.exit(info.ExitCode ?? 0), () => sink.exit(0));
  };
  stream.on('data', (chunk: Buffer) => feed(chunk));
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('error', finish);
  return {
    input: (text) => {
      if (!ended) stream.write(text);
    },
    close: () => {
      ended = true;
      stream.destroy();
    },
  };
}
