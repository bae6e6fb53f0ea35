// npm run example: starts a sim server in this process and runs examples/watch.ts against it, as another
// program using the published exports (dctop/api, dctop/store) would.
import { spawn } from 'node:child_process';
import { startServer } from '../dist/src/server/index.js';

const running = await startServer({
  host: '127.0.0.1', port: 0, backend: 'sim', fleet: 'demo', seed: 1, speed: 5, churn: 5, users: [], orgs: [], rateLimit: 0,
});
const child = spawn(process.execPath, [new URL('../dist/examples/watch.js', import.meta.url).pathname], {
  stdio: 'inherit',
  env: { ...process.env, DOCKERCLOUD_REST_HOST: running.url, DOCKERCLOUD_USER: running.user, DOCKERCLOUD_APIKEY: running.apikey },
});
child.on('exit', async (code) => {
  await running.close();
  process.exit(code ?? 1);
});
