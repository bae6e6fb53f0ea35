// Log streams and exec sessions: objects to iterate (or to write to), that close cleanly from either side and say
// why they ended.
import WebSocket from 'ws';
import type { ExecOutputFrame, LogFrame } from '../domain/index.js';
import { Channel, type StreamEnd } from './channel.js';
import type { ClientConfig } from './config.js';
import { DockerCloudError } from './errors.js';
import { openSocket, streamUrl, type SocketOptions } from './socket.js';

const CLOSE_GRACE_MS = 2_000;

/** Wires a socket to a channel of parsed frames; `accept` keeps the frames of the expected shape. */
function pipe<T>(ws: WebSocket, channel: Channel<T>, accept: (frame: any) => boolean, malformed: () => void): void {
  ws.on('message', (data) => {
    let frame: any;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      malformed();
      return;
    }
    if (frame?.type === 'error') {
      const message = String(frame.data?.errorMessage ?? 'error');
      channel.end({ reason: message, error: new DockerCloudError('server', message) });
      ws.close();
    } else if (accept(frame)) channel.push(frame as T);
    else malformed();
  });
  ws.on('close', (code, reason) => channel.end({ reason: reason.toString() || `closed (${code})`, code }));
}

abstract class SocketStream<T> implements AsyncIterable<T> {
  protected readonly channel = new Channel<T>();
  protected readonly ws: WebSocket;
  /** Frames that were not JSON or not of the expected shape: ignored, counted. */
  malformedFrames = 0;

  constructor(config: ClientConfig, url: string, options: SocketOptions, accept: (frame: any) => boolean) {
    this.ws = openSocket(config, url, options, (error) => this.channel.end({ reason: error.message, error }));
    pipe(this.ws, this.channel, accept, () => this.malformedFrames++);
  }

  /** Resolves once with why the stream ended. */
  get ended(): Promise<StreamEnd> {
    return this.channel.ended;
  }

  /** Calls `listener` once the socket is open (at once if it is already); never if it fails before. */
  onOpen(listener: () => void): () => void {
    if (this.ws.readyState === WebSocket.OPEN) {
      listener();
      return () => {};
    }
    this.ws.once('open', listener);
    return () => this.ws.off('open', listener);
  }

  /** Calls `listener` for each frame (those already received first). */
  onFrame(listener: (frame: T) => void): () => void {
    return this.channel.onItem(listener);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.channel[Symbol.asyncIterator]();
  }

  /** Closes from our side; `ended` then says 'closed by client'. */
  close(): void {
    this.channel.end({ reason: 'closed by client' });
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else {
      this.ws.close(1000, 'closed by client');
      // A peer that does not answer the close gets cut off soon, not after ws's 30 s.
      setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
    }
  }
}

export interface LogOptions { tail?: number; follow?: boolean }

export class LogStream extends SocketStream<LogFrame> {
  /** `objectUri` is a container, service or action resource URI. */
  constructor(config: ClientConfig, objectUri: string, options: LogOptions & SocketOptions = {}) {
    const url = streamUrl(config, `${objectUri}logs/`, {
      tail: options.tail === undefined ? undefined : String(options.tail),
      follow: options.follow === undefined ? undefined : String(options.follow),
    });
    super(config, url, options, (f) => f?.type === 'log' && typeof f.log === 'string');
  }
}

/** UTF-16 units per exec message (at most 3 bytes each in UTF-8: under the 64 KiB a server takes). */
const EXEC_CHUNK = 16 * 1024;

export class ExecSession extends SocketStream<ExecOutputFrame> {
  private readonly opened: Promise<void>;

  constructor(config: ClientConfig, containerUri: string, command: string, options: SocketOptions = {}, tty = false) {
    super(config, streamUrl(config, `${containerUri}exec/`, tty ? { command, tty: 'true' } : { command }), options,
      (f) => f?.type === 'output' && typeof f.output === 'string');
    this.opened = new Promise((resolve) => {
      this.ws.once('open', () => resolve());
      void this.channel.ended.then(() => resolve());
    });
  }

  /** Sends raw text (keystrokes) to the command's standard input. */
  async write(text: string): Promise<void> {
    await this.opened;
    // In pieces a server takes (dctop serve closes on a message over 64 KiB): a large paste arrives whole.
    for (let i = 0; i < text.length && this.ws.readyState === WebSocket.OPEN; i += EXEC_CHUNK) this.ws.send(text.slice(i, i + EXEC_CHUNK));
  }
}
