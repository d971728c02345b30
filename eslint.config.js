// @ts-check
// ESLint for the server (type-aware: the rules that need types find the bugs a Node server actually has — promises
// nobody awaits, async callbacks handed to code that ignores their promise) and for the browser scripts in static/.
// The layer rules (what may import what) are not here: they are in .dependency-cruiser.cjs.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Generated, vendored or built: not ours to lint.
    ignores: ['dist/', 'drizzle/', 'static/vendor/', 'data/', 'test-results/', 'node_modules/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // TypeScript: src/, test/, bench/, scripts/, drizzle.config.ts — all in tsconfig.json, so the project service
  // answers type questions from the same program `npm run typecheck` builds.
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      // Bugs: a promise nobody awaits loses its error (an unhandled rejection ends the process) and its ordering.
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      // An async function where a void callback is expected (an EventEmitter listener, a hub listener): its
      // rejection goes nowhere. (fastify's hooks and handlers are typed to take promises, so they pass.)
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // `x != null` is the one loose comparison kept: it means "neither null nor undefined", and says so briefly.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',

      // Noise here, each for one reason:
      // fastify's plugin functions and route handlers are async by contract even when they await nothing.
      '@typescript-eslint/require-await': 'off',
    },
  },

  // Tests' loopback servers (a pretend MMSC, the MM7 endpoint) take async request handlers: a rejection there
  // fails the run, which is what a test wants.
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },

  // Plain Node scripts (the build, the launcher, this file): no tsconfig program, so no type-aware rules.
  {
    files: ['**/*.{js,mjs,cjs}'],
    ignores: ['static/**'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: { eqeqeq: ['error', 'always'], 'prefer-const': 'error' },
  },

  // The browser's scripts (static/): loaded by <script> tags, with htmx as a global.
  {
    files: ['static/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.browser, htmx: 'readonly' } },
    rules: { eqeqeq: ['error', 'always'], 'prefer-const': 'error' },
  },

  // Last, so that no block's recommended set turns it back on.
  {
    rules: {
      // Noise: sanitizers match control characters on purpose (XML text, file names, canned placeholders, the bundle).
      'no-control-regex': 'off',
    },
  },
);
