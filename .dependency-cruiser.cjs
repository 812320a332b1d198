/**
 * The import rules of motcua's layers (checked by test/architecture/import-graph.test.ts, and by hand with
 * `npx depcruise --config .dependency-cruiser.cjs machines src`):
 * - the pure core (machines/: chart, procedures, calendar, the engine's pure write path, metric definitions)
 *   imports nothing from src/ or db/, no I/O module and no npm package but xstate and zod;
 * - dependencies run one way: http → services → engine → store, with the pure core at the bottom.
 * Reading the clock is a static check in the test itself (dependency-cruiser sees modules, not calls).
 */
const LIBS_WITH_IO = ['knex', 'express', 'pg', 'sqlite3', 'better-sqlite3', 'pino', 'exceljs', 'helmet', 'qrcode', 'uuid'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-core-imports-no-app',
      comment: 'machines/ is the pure domain: it must not import the application (src/) or the schema (db/), not even types',
      severity: 'error',
      from: { path: '^machines/' },
      to: { path: '^(src|db|test|bench)/' },
    },
    {
      name: 'pure-core-imports-no-io',
      comment: 'machines/ imports no Node I/O module (only node:crypto, for the event hash)',
      severity: 'error',
      from: { path: '^machines/' },
      to: { dependencyTypes: ['core'], pathNot: '^(node:)?crypto$' },
    },
    {
      name: 'pure-core-imports-only-pure-packages',
      comment: 'machines/ may use xstate and zod, nothing else from npm (no knex, express, pg, sqlite3, pino…)',
      severity: 'error',
      from: { path: '^machines/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'unknown', 'undetermined'],
        pathNot: 'node_modules/(xstate|zod)/',
      },
    },
    {
      name: 'store-is-the-bottom',
      comment: 'src/store reads and writes rows; it imports no layer above it',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/(engine|services|http|jobs|reports|audit|metrics|forms|app|cli|seed-generate|observability|ops)/' },
    },
    {
      name: 'engine-below-services',
      comment: 'src/engine is used by services and jobs, never the other way round',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/(services|http|jobs|reports|app|cli)/' },
    },
    {
      name: 'services-below-http',
      comment: 'services are called by routes; they never import Express routes or the app',
      severity: 'error',
      from: { path: '^src/(services|audit|metrics|reports|forms|jobs)/' },
      to: { path: '^src/(http|cli)/' },
    },
    {
      name: 'services-use-the-app-context-type-only',
      comment: 'src/app wires everything together; below it only its EngineContext type may be named',
      severity: 'error',
      from: { path: '^src/(services|audit|metrics|reports|forms|jobs|engine|store)/' },
      to: { path: '^src/app/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'routes-import-no-store',
      comment: 'routes call services; rows and SQL live in src/store',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/store/|node_modules/knex/' },
    },
    {
      name: 'web-types-from-pure-modules',
      comment:
        'the web UI names server types (src/web/types.d.ts) only from pure modules: machines/, zod and the schema modules below; tsconfig.web.json has no Node types, and nothing of the store, Express or Node may reach the browser code',
      severity: 'error',
      from: { path: '^src/web/' },
      to: {
        pathNot: '^(src/web/|machines/|(src/services/(integration|notify)-schemas|src/reports/report-schemas)\\.ts$|node_modules/zod/)',
      },
    },
    {
      name: 'web-schema-modules-are-pure',
      comment: 'the schema modules the web UI takes its types from import only zod and machines/',
      severity: 'error',
      from: { path: '^(src/services/(integration|notify)-schemas|src/reports/report-schemas)\\.ts$' },
      to: { pathNot: '^(machines/|node_modules/zod/)' },
    },
    {
      name: 'io-libraries-outside-the-pure-core',
      comment: 'a library with I/O reached from machines/ through any path',
      severity: 'error',
      from: { path: '^machines/' },
      to: { path: `node_modules/(${LIBS_WITH_IO.join('|')})/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|dist-bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
