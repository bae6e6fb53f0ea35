// The layering of the design, enforced: each folder of src/ imports only the layers below it (and React only where
// components live). `npm run lint` runs it; CI runs it with the tests.
import tseslint from 'typescript-eslint';

const layer = (name) => [`**/${name}/*`, `**/${name}/**`];
const REACT = [{ name: 'react', message: 'React belongs to hooks/ and views/.' }, { name: 'ink', message: 'Ink belongs to views/ and the monitor.' }];

/** Files of `folder` must not import these layers (and, unless allowed, React). */
function rule(folder, forbidden, { react = false } = {}) {
  return {
    files: [`src/${folder}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: react ? [] : REACT,
        patterns: [{ group: forbidden.flatMap(layer), message: `src/${folder} may not import ${forbidden.join(', ')} (the layering of DESIGN.md).` }],
      }],
    },
  };
}

export default [
  { ignores: ['dist/**', 'node_modules/**'] },
  { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } } },
  rule('domain', ['api', 'store', 'server', 'hooks', 'views', 'keys']),
  rule('api', ['store', 'server', 'hooks', 'views', 'keys']),
  rule('store', ['server', 'hooks', 'views', 'keys']),
  rule('keys', ['api', 'store', 'server', 'hooks', 'views']),
  rule('server', ['api', 'store', 'hooks', 'views', 'keys']),
  rule('hooks', ['server', 'views'], { react: true }),
  rule('views', ['api', 'store', 'server'], { react: true }),
];
