/**
 * Two jest projects (`npm test` runs both; `npm run test:unit` the first, `npm run test:e2e` the second):
 * - unit: in-process (library functions and the CLI functions called with their loaders);
 * - e2e: real commands in temporary copies of a fixture repository, real git with a local bare
 *   remote where pushing matters, the 8-job release race, `npm run import`, the workflow validator, the
 *   application template's pytest suites (Python, test/template/python.test.ts).
 * Tests never read the live apps/, envs/, releases.ts or secrets.ts: they use test/fixtures/.
 */
const E2E = [
  '<rootDir>/test/bench/bench-run.test.ts',
  '<rootDir>/test/bin/',
  '<rootDir>/test/cli/',
  '<rootDir>/test/package/',
  '<rootDir>/test/release/race.test.ts',
  '<rootDir>/test/release/bot-sequence.test.ts',
  '<rootDir>/test/release/push-committed.test.ts',
  '<rootDir>/test/release/push-reapply.test.ts',
  '<rootDir>/test/scripts/',
  '<rootDir>/test/synth/determinism.test.ts',
  '<rootDir>/test/template/python.test.ts',
  '<rootDir>/test/workflows/',
];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: {
    // isolatedModules (tsconfig): transpile only; type errors are caught once by `npm run typecheck` (part of `npm test`),
    // not re-checked per test file.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  // One worker per core (jest's default leaves one core idle: on the 2-core CI machine that ran every
  // file in band). Files are independent: each temporary repository is its own directory, and the
  // in-process commands (test/support/repo.ts) own their worker's working directory one at a time.
  maxWorkers: '100%',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...E2E] },
    { ...shared, displayName: 'e2e', testMatch: E2E.map((p) => (p.endsWith('/') ? `${p}**/*.test.ts` : p)) },
  ],
};
