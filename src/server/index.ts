// The server, as a library: embed `dctop serve` (e.g. the monitor's sandbox, or tests of another client).
export { ApiServer, type ApiServerOptions } from './api-server.js';
export { createAccounts, type Accounts } from './auth.js';
export type { Backend } from './backend.js';
export { exportLine, parseServeArgs, startServer, type RunningServer, type ServeOptions } from './serve.js';
export { SimBackend, type SimOptions } from './sim/sim-backend.js';
