// postinstall: two small changes to ink 6.8.0. Idempotent; does nothing for another ink version.
//
// 1. log-update.js: the incremental renderer moves the cursor up one line too few when the previous frame ended with
//    a newline (every frame that is shorter than the terminal does), so each frame is drawn one row lower than the
//    last. The fix is the one the same function already applies when a frame shrinks (upstream in ink 7+, which
//    needs Node 22).
// 2. output.js: the caches of styled characters and string widths are made per frame, so every line of every frame
//    is tokenized and measured again although most lines did not change. One bounded cache shared by all frames
//    turns that into lookups (measured: a sixth of the monitor's CPU under churn). render-node-to-output.js measures
//    every text node of every frame outside any cache (another 8%): it uses the shared cache too.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../node_modules/ink/', import.meta.url).pathname;
if (!existsSync(join(root, 'package.json'))) process.exit(0); // ink is not installed (yet): nothing to patch
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (version !== '6.8.0') process.exit(0);

const PATCHES = [
  {
    file: 'log-update.js',
    what: 'incremental rendering',
    from: 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));',
    to: "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1))); // dctop: patched",
  },
  {
    file: 'output.js',
    what: 'output caches',
    from: '    caches = new OutputCaches();\n',
    to: '    caches = sharedCaches; // dctop: patched\n',
  },
  {
    file: 'output.js',
    what: 'output caches',
    from: 'export default class Output {\n',
    to: [
      '// dctop: patched: one cache for every frame, emptied when it grows past some fifty screens of distinct lines',
      '// (a styled line is an object per character: 2,000 lines of 120 columns are about 15 MB).',
      'const sharedCaches = new OutputCaches();',
      'const trimCaches = (caches) => {',
      '    if (caches.styledChars.size > 2000) caches.styledChars.clear();',
      '    if (caches.widths.size + caches.blockWidths.size > 20000) { caches.widths.clear(); caches.blockWidths.clear(); }',
      '};',
      'export default class Output {',
      '',
    ].join('\n'),
  },
  {
    file: 'output.js',
    what: 'output caches',
    from: '    get() {\n        // Initialize output array',
    to: '    get() {\n        trimCaches(this.caches); // dctop: patched\n        // Initialize output array',
  },
  {
    file: 'render-node-to-output.js',
    what: 'output caches',
    from: '                const currentWidth = widestLine(text);\n',
    to: '                const currentWidth = output.caches.getWidestLine(text); // dctop: patched\n',
  },
];

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
