// What the monitor's components share: the client and store (behind hooks: views never import the API), the
// keymap, the theme, and how the monitor was started.
import { createContext, useContext } from 'react';
import type { BackendInfo, DockerCloudClient } from '../api/index.js';
import type { Keymap, ViewName } from '../keys/index.js';
import type { FleetStore, MetricsStore } from '../store/index.js';
import type { Theme } from '../theme.js';

export interface MonitorContextValue {
  client: DockerCloudClient;
  store: FleetStore;
  /** Live resource metrics of what is on screen; absent when turned off (the config's "metrics": false). */
  metrics?: MetricsStore | null;
  keymap: Keymap;
  theme: Theme;
  readonly: boolean;
  /** Ask y/N before stop, redeploy, terminate and docker-upgrade (the config's "confirm"). */
  confirm: boolean;
  /** "sandbox · simulated cloud", or the API's host. */
  mode: string;
  endpoint: string;
  namespace: string;
  /** Warnings to show once (e.g. credentials over plain http). */
  warnings: string[];
  /** Hands the terminal to an exec session; resolves with how it ended. */
  runExec(containerUri: string, command: string): Promise<string>;
  firstView: ViewName;
  /** What exec runs in a container (--exec, default sh). */
  execCommand: string;
  /** What the API's backend cannot do (view → operation → why): those keys are not offered. */
  unsupported?: BackendInfo['unsupported'];
  /** The namespaces known to this session (the user's, the configured one, those switched to), for Tab. */
  namespaces?: readonly string[];
  /** Where the configuration file is (or would be), for help to say. */
  configPath?: string;
  /** Why copying is off (the config, the terminal), or null. */
  clipboardOff?: string | null;
  /** Puts text on the clipboard; says why not when it cannot. Absent: no terminal to ask (tests). */
  copy?: (text: string) => string | null;
  /** Draws the whole screen again, nothing of what it shows trusted (ctrl-l). */
  repaint?: () => void;
  /** Rows left empty at the bottom of the terminal (1 where ink cannot draw a full-height frame in place). */
  spareRows?: number;
  /** Frames written to the terminal so far; absent where frames are not counted (tests). */
  framesWritten?: () => number;
}

export const MonitorContext = createContext<MonitorContextValue | null>(null);

export function useMonitor(): MonitorContextValue {
  const value = useContext(MonitorContext);
  if (!value) throw new Error('useMonitor outside <MonitorContext.Provider>');
  return value;
}
