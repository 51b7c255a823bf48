import { defineConfig } from 'vitest/config'

// The same suite runs against SQLite, and against PostgreSQL when TEST_DATABASE_URL is set
// (.ci/run always sets it). Each test file gets its own store.
const projects = [
  { extends: true as const, test: { name: 'sqlite', env: { PARTNERKIT_TEST_STORE: 'sqlite' } } },
  ...(process.env.TEST_DATABASE_URL
    ? [{ extends: true as const, test: { name: 'postgres', env: { PARTNERKIT_TEST_STORE: 'postgres' } } }]
    : []),
]

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    projects,
  },
})
