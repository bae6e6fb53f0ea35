// The live store, as a library: `import { FleetStore } from 'dctop/store'`.
export { FleetStore, type StoreOptions } from './fleet-store.js';
export { LogFollower, MAX_LINES, type LogConnection, type LogFollowerOptions, type LogLine } from './log-follower.js';
export * from './selectors.js';
export { STORE_KINDS, type Indexes, type KindMaps, type Snapshot, type Stored, type StoreKind } from './snapshot.js';
export { METRIC_SERIES, MetricsStore, type MetricSeries, type MetricsSnapshot, type MetricsStoreOptions } from './metrics-store.js';
