// prepare (a development install of this repository): the changes of ink-patches.mjs (which says what they are and
// why), applied to node_modules/ink. Idempotent; does nothing for another ink version. What is published carries them
// in its bundle instead (scripts/bundle.mjs): nothing is patched where dctop is installed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INK_VERSION, PATCHES } from './ink-patches.mjs';

const root = new URL('../node_modules/ink/', import.meta.url).pathname;
if (!existsSync(join(root, 'package.json'))) process.exit(0); // ink is not installed (yet): nothing to patch
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== INK_VERSION) process.exit(0);


// Each file is patched from its pristine copy (kept beside it on the first run), so that running this again, or a
// newer version of this script over an older one's work, gives the same result.
for (const name of new Set(PATCHES.map((p) => p.file))) {
  const file = join(root, 'build', name);
  const pristine = `${file}.dctop-orig`;
  if (!existsSync(pristine)) {
    const current = readFileSync(file, 'utf8');
    if (current.includes('dctop: patched')) {
      console.warn(`dctop: ${name} was patched by an older version of this script; reinstall ink to patch it again`);
      continue;
    }
    writeFileSync(pristine, current);
  }
  let source = readFileSync(pristine, 'utf8');
  for (const patch of PATCHES.filter((p) => p.file === name)) {
    if (!source.includes(patch.from)) {
      console.warn(`dctop: ink 6.8.0 ${name} is not as expected; ${patch.what} stays unpatched`);
      continue;
    }
    source = source.replace(patch.from, patch.to);
  }
  writeFileSync(file, source);
}
