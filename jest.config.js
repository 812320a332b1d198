/** Transpile-only ts-jest; type errors are caught by `npm run typecheck`, which `npm test` runs first. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/support/fast-check-seed.ts'],
};
