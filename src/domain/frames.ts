// Frames of the Stream API (websockets): events, logs and exec.
import type { Uri, WireObject } from './types.js';

export type EventType = 'stack' | 'service' | 'container' | 'nodecluster' | 'node' | 'action';

export interface CloudEvent {
  type: EventType;
  action: 'create' | 'update' | 'delete';
  parents: Uri[];
  resource_uri: Uri;
  state: string;
  uuid: string;
  /** ISO 8601 */
  datetime: string;
  /** A dctop extension: the object as GET returns it, after the change (absent on deletes, and from other APIs). */
  dctop_object?: WireObject;
}

export interface ErrorFrame { type: 'error'; data: { errorMessage: string } }
export interface AuthFrame { type: 'auth'; [k: string]: unknown }

/** Any frame the events socket may carry. Clients ignore `auth` frames. */
export type EventsFrame = CloudEvent | ErrorFrame | AuthFrame;

export type StreamType = 'stdout' | 'stderr';

export interface LogFrame {
  type: 'log';
  log: string;
  /** Absent on action logs. */
  streamType?: StreamType;
  /** Seconds since the epoch. */
  timestamp: number;
  /** The container name, on service logs only. */
  source?: string;
}

export interface ExecOutputFrame { type: 'output'; output: string; streamType: StreamType }

/** Client → server on exec: raw text; this byte ends standard input. */
export const EXEC_EOF = '\u0004';
