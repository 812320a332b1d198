// ESLint flat config. Formatting is Prettier's job (`npm run format`); ESLint checks code.
// ESLint's and typescript-eslint's recommended sets everywhere, plus the few type-aware rules that
// catch real bugs here (a promise nobody awaits, an async callback whose promise is dropped), so that
// ordinary code passes and `npm run lint` stays fast. Every `eslint-disable` says why after `--`.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true };

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'dist-bench/', 'data/', 'coverage/', 'test/fixtures/', '**/*.d.ts'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  // TypeScript: sources, machines, migrations, tests, benchmarks (Node, compiled to CommonJS).
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A floating promise in a route or a job loses its error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // `_name` marks a binding kept for its position (e.g. Express's 4-argument error handler).
      '@typescript-eslint/no-unused-vars': ['error', unusedVars],
    },
  },
  // The server logs through pino (src/observability/logger.ts), tests stay quiet: console output is
  // for the command-line tools, the start-up failure in main.ts and the benchmarks.
  { files: ['src/**/*.ts', 'machines/**/*.ts', 'db/**/*.ts', 'test/**/*.ts'], rules: { 'no-console': 'error' } },
  { files: ['src/cli/**', 'src/main.ts'], rules: { 'no-console': 'off' } },
  // The web UI: plain JavaScript ES modules run as-is by the browser (no bundler).
  {
    files: ['src/web/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
    rules: { 'no-unused-vars': ['error', unusedVars] },
  },
  // Plain CommonJS scripts run by Node: the offline export verifier, the test require hook, configs.
  {
    files: ['src/audit/standalone/**/*.js', 'test/**/*.js', '*.js', '*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  { files: ['*.mjs'], languageOptions: { sourceType: 'module', globals: { ...globals.node } } },
);
