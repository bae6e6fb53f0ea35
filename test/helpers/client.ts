// A client of the real test server, configured as a user would (explicit options, no environment).
import { DockerCloudClient, type ClientOptions } from '../../src/api/client.js';
import { resolveConfig } from '../../src/api/config.js';
import { USERS, type TestServer } from './server.js';

export async function clientFor(t: TestServer, user = 'alice', options: ClientOptions & { namespace?: string } = {}): Promise<DockerCloudClient> {
  const config = await resolveConfig(
    { restHost: t.url, streamHost: t.wsUrl, user, apikey: USERS[user] ?? 'wrong', ...(options.namespace ? { namespace: options.namespace } : {}) },
    { env: {} },
  );
  return new DockerCloudClient(config, { backoff: { baseMs: 20, capMs: 200 }, ...options });
}
