// The published binary: dist/bundle/cli.js, one ESM file of dctop with ink and React inside it, ink carrying the
// changes of ink-patches.mjs (applied here, at build time, to what esbuild reads from ink's own files: nothing in
// the user's node_modules is ever patched). dockerode stays a dependency: its ssh transport has optional native parts.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { INK_VERSION, PATCHES } from './ink-patches.mjs';

const inkVersion = JSON.parse(readFileSync(new URL('../node_modules/ink/package.json', import.meta.url), 'utf8')).version;
if (inkVersion !== INK_VERSION) throw new Error(`bundle: ink ${inkVersion} is installed, the patches are for ${INK_VERSION}`);

const patchInk = {
  name: 'patch-ink',
  setup(b) {
    b.onLoad({ filter: /node_modules[\\/]ink[\\/]build[\\/].+\.js$/ }, (args) => {
      const name = args.path.split(/[\\/]ink[\\/]build[\\/]/).pop().replace(/\\/g, '/');
      const patches = PATCHES.filter((p) => p.file === name);
      if (!patches.length) return undefined;
      // The pristine source: a development install keeps it beside the patched file.
      let source;
      try {
        source = readFileSync(`${args.path}.dctop-orig`, 'utf8');
      } catch {
        source = readFileSync(args.path, 'utf8');
      }
      for (const patch of patches) {
        if (!source.includes(patch.from)) throw new Error(`bundle: ink ${name} is not as expected (${patch.what})`);
        source = source.replace(patch.from, patch.to);
      }
      return { contents: source, loader: 'js' };
    });
  },
};

/** ink imports react-devtools-core only for DEV=true: the bundle has none (it is not a dependency). */
const noDevtools = {
  name: 'no-devtools',
  setup(b) {
    b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: 'react-devtools-core', namespace: 'none' }));
    b.onLoad({ filter: /.*/, namespace: 'none' }, () => ({ contents: 'export default { connectToDevTools() {} };', loader: 'js' }));
  },
};

await build({
  entryPoints: [new URL('../dist/src/cli.js', import.meta.url).pathname],
  outfile: new URL('../dist/bundle/cli.js', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  external: ['dockerode'],
  // CommonJS inside an ESM bundle (react, ws, undici) needs a require (the shebang comes from cli.js itself).
  banner: { js: "import { createRequire as __dctopRequire } from 'node:module'; const require = __dctopRequire(import.meta.url);" },
  plugins: [patchInk, noDevtools],
  logLevel: 'warning',
});
