// The monitor's App in ink-testing-library, on a real store fed by a real sim server (no mocks of either).
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { DockerCloudClient } from '../../src/api/index.js';
import { MonitorContext, type MonitorContextValue } from '../../src/hooks/context.js';
import { Keymap } from '../../src/keys/index.js';
import { FleetStore, MetricsStore, type StoreOptions } from '../../src/store/index.js';
import { App } from '../../src/views/App.js';
import { themeFor } from '../../src/theme.js';
import { clientFor } from './client.js';
import { startTestServer, type TestServer } from './server.js';

export interface LiveFleet { t: TestServer; client: DockerCloudClient; store: FleetStore; metrics: MetricsStore; close(): Promise<void> }

/** A demo fleet on a fresh server, and a started store of alice's namespace (with these options). */
export async function liveFleet(server: Parameters<typeof startTestServer>[0] = {}, storeOptions: StoreOptions = {}): Promise<LiveFleet> {
  const t = await startTestServer({ fleet: 'demo', ...server });
  const client = await clientFor(t);
  const store = new FleetStore(client, { maxFps: 50, ...storeOptions });
  await store.start();
  // Readings every second: a test sees a second one soon.
  const metrics = new MetricsStore(client, { interval: 1 });
  return {
    t, client, store, metrics, close: async () => {
      metrics.close();
      store.close();
      await client.close();
      await t.close();
    },
  };
}

export interface AppOptions { readonly?: boolean; confirm?: boolean; view?: MonitorContextValue['firstView'] }

export function renderApp(fleet: LiveFleet, options: AppOptions = {}) {
  const readonly = options.readonly ?? false;
  const value: MonitorContextValue = {
    client: fleet.client, store: fleet.store, metrics: fleet.metrics, keymap: new Keymap({}, readonly), theme: themeFor('dark', false), readonly,
    confirm: options.confirm ?? true, mode: 'test', endpoint: fleet.t.url, namespace: 'alice', warnings: [],
    runExec: async () => 'not in tests', firstView: options.view ?? 'service', execCommand: 'sh',
  };
  return render(<MonitorContext.Provider value={value}><App /></MonitorContext.Provider>);
}

/** One live fleet for a test file (made before its tests, closed after); each test's App is unmounted after it. */
export function fleetPerFile(): () => LiveFleet {
  let fleet: LiveFleet | undefined;
  beforeAll(async () => {
    fleet = await liveFleet();
  });
  afterAll(() => fleet?.close());
  afterEach(() => cleanup());
  return () => fleet!;
}
