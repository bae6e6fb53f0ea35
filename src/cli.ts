#!/usr/bin/env node
// dctop: the entry point. `dctop serve` runs the Docker Cloud API server; the monitor is the default command.
import { readFileSync } from 'node:fs';
import { serveCommand } from './server/serve.js';

const USAGE = `Usage:
  dctop serve [options]   run a Docker Cloud API server over a simulated cloud (dctop serve --help)
  dctop --version
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (command === 'serve') return serveCommand(rest);
  if (command === '--version' || command === '-v') {
    process.stdout.write(`dctop ${version()}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  process.stderr.write(`dctop: the monitor is not part of this build yet; use 'dctop serve'\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dctop: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
