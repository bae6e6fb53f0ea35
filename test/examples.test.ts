// The README's library example, run as another program would run it (through the package's exports).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('examples/watch.ts runs against a sim server and follows a redeploy to its end', async () => {
  const script = fileURLToPath(new URL('../scripts/run-example.mjs', import.meta.url));
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [script], { timeout: 30_000 }, (error, stdout, stderr) =>
      (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
  expect(output).toMatch(/^41 containers, 16 services$/m);
  expect(output).toMatch(/^redeploy: Success$/m);
  expect(output).toMatch(/^live: \d+ running, \d+ changed$/m);
});
