import os from 'node:os'
import { defineConfig } from 'vitest/config'

// The same suite runs against SQLite, and against PostgreSQL when TEST_DATABASE_URL is set
// (.ci/run always sets it). Each test file gets its own store.
//
// PostgreSQL files run one at a time, after the SQLite ones: every file's schema lives in the one
// database, and opening a store introspects the tables of every schema there (Kysely's migrator),
// which fails when another file drops its schema at that moment. They stay isolated, as before:
// with shared modules a snippet build that failed once (universal.ts keeps its promise) failed
// every later file of that worker in one run, and the cause is not yet understood.
const projects = [
  { extends: true as const, test: { name: 'sqlite', env: { PARTNERKIT_TEST_STORE: 'sqlite' } } },
  ...(process.env.TEST_DATABASE_URL
    ? [{ extends: true as const, test: { name: 'postgres', env: { PARTNERKIT_TEST_STORE: 'postgres' }, maxWorkers: 1, isolate: true, sequence: { groupOrder: 1 } } }]
    : []),
]

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // A worker per core (vitest's default leaves one of two cores to its own process, which mostly
    // waits), and each worker keeps the modules it has loaded from one test file to the next:
    // loading the app again for each of ~90 files was a third of the suite's time. Every file opens
    // its own store and server, and module state a test changes (an injected fault) it puts back.
    maxWorkers: os.availableParallelism(),
    isolate: false,
    projects,
  },
})
