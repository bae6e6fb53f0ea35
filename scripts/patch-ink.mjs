// postinstall: fixes ink 6.8.0's incremental renderer, which moves the cursor up one line too few when the previous
// frame ended with a newline (every frame that is shorter than the terminal does), so each frame is drawn one row
// lower than the last. The fix is the one the same function already applies when a frame shrinks. Idempotent;
// does nothing for another ink version (the fix is upstream in ink 7+, which needs Node 22).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../node_modules/ink/', import.meta.url).pathname;
if (!existsSync(join(root, 'package.json'))) process.exit(0); // ink is not installed (yet): nothing to patch
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== '6.8.0') process.exit(0);
const file = join(root, 'build', 'log-update.js');
const source = readFileSync(file, 'utf8');
const buggy = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
const fixed = "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1))); // dctop: patched";
if (source.includes(fixed)) process.exit(0);
if (!source.includes(buggy)) {
  console.warn('dctop: ink 6.8.0 log-update.js is not as expected; incremental rendering stays unpatched');
  process.exit(0);
}
writeFileSync(file, source.replace(buggy, fixed));
