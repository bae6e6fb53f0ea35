// The start-up check: with an ink that lacks dctop's fix of its incremental renderer, --version says so (and the
// monitor writes whole frames). The fix is withheld by making its marker unsettable before anything loads.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const WITHOUT_FIX = `data:text/javascript,Object.defineProperty(globalThis,'__dctopInkFixed',{get(){return false},set(){}})`;

describe('the ink fix', () => {
  it('is there in this build: --version says nothing of it', () => {
    expect(execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^dctop \d+\.\d+\.\d+$/);
  });

  it('when it is absent, --version says that whole frames are written', () => {
    const out = execFileSync(process.execPath, ['--import', WITHOUT_FIX, CLI, '--version'], { encoding: 'utf8' }).trim();
    expect(out).toMatch(/^dctop \d+\.\d+\.\d+ \(ink without its incremental-rendering fix: whole frames are written\)$/);
  });
});
