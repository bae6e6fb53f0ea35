// The Docker Cloud API client, as a library: `import { DockerCloudClient } from 'dctop/api'`.
export { ActionTracker } from './actions.js';
export { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.js';
export type { StreamEnd } from './channel.js';
export { DockerCloudClient, type BackendInfo, type ClientOptions, type Filters, type ListOptions, type Mutation, type ObjectOperation } from './client.js';
export {
  DEFAULT_REST_HOST, DEFAULT_STREAM_HOST, describeConfig, resolveConfig, type ClientConfig, type ConfigOptions,
  type ConfigSources,
} from './config.js';
export { describeNetworkError, DockerCloudError, type ErrorKind } from './errors.js';
export { DEFAULT_AUTH_RETRY_MS, EventStream, type EventFilters, type EventStreamOptions, type StreamHealth } from './events.js';
export { ExecSession, LogStream, type LogOptions } from './streams.js';
export type { MetricsOptions, MetricsState, MetricsSubscription } from './metrics.js';
