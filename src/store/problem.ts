// One line for the person at the screen: what is wrong and, where it helps, what to do; null when all is well.
// The cause only: the countdown to the next attempt and the key that reconnects are the views' to add.
import type { ClientConfig } from '../api/config.js';
import type { StreamHealth } from '../api/events.js';

/** The API and its REST host, or the Stream API and its host when the stream is not on the REST host's origin. */
function where(config: Pick<ClientConfig, 'restHost' | 'streamHost'>): { api: string; host: string } {
  const sameOrigin = config.streamHost === config.restHost.replace(/^http/, 'ws');
  return sameOrigin ? { api: 'the API', host: config.restHost } : { api: 'the Stream API', host: config.streamHost };
}

export function describeProblem(
  health: StreamHealth,
  config: Pick<ClientConfig, 'restHost' | 'streamHost' | 'user' | 'credentialsFrom'>,
  storeError: string | null,
): string | null {
  switch (health.state) {
    case 'reconnecting': {
      const { api, host } = where(config);
      switch (health.kind) {
        case 'network':
        case 'timeout':
          return `${api} is unreachable at ${host}: ${health.cause}`;
        case 'rate_limited':
          return `${api} at ${host} asks to slow down: ${health.cause}`;
        case 'unavailable':
        case 'server':
          return `${api} at ${host} answers with an error: ${health.cause}`;
        default:
          return `${api} at ${host} refused the event stream: ${health.cause}`;
      }
    }
    case 'auth_failed': {
      const whose = config.user ? ` of user ${config.user}` : '';
      const from = config.credentialsFrom ? ` (from ${config.credentialsFrom})` : '';
      return `the API refused the credentials${whose}${from}: check them`;
    }
    case 'namespace_refused':
      return `namespace ${health.namespace} does not exist or you may not see it`;
    case 'connecting':
    case 'live':
      return storeError;
    case 'closed':
      return null;
  }
}
