// A real Partnerkit server on a loopback port, over a fresh store, for one test file.
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import type { AppConfig } from '../../src/http/route-deps.js'
import { openMigratedStore, type Store } from '../../src/store/store.js'
import { createProgram } from '../../src/modules/api-keys/service.js'
import type { NewProgramInput } from '../../src/modules/programs/service.js'
import { call, type Answer, type Call } from './client.js'
import { freshStore, type TestStore } from './store.js'
import { checkContract } from './contract.js'

export interface TestServer {
  url: string
  app: FastifyInstance
  store: Store
  testStore: TestStore
  /** A new program and its API key. */
  program(input?: Partial<NewProgramInput>): Promise<{ id: number; publicId: string; key: string }>
  get(path: string, options?: Call): Promise<Answer>
  post(path: string, options?: Call): Promise<Answer>
  put(path: string, options?: Call): Promise<Answer>
  delete(path: string, options?: Call): Promise<Answer>
  request(method: string, path: string, options?: Call): Promise<Answer>
  close(): Promise<void>
}

export const TEST_CONFIG: AppConfig = {
  publicUrl: undefined,
  rateLimit: { max: 100_000, windowSeconds: 60 },
  trackingRateLimit: { max: 100_000, windowSeconds: 60 },
  bodyLimitBytes: 1_048_576,
  jsonMaxDepth: 32,
  trustProxy: false,
  // TEST_LOG_LEVEL=error shows what a failing request ran into.
  logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
  redisUrl: undefined,
  allowPrivateWebhookUrls: false,
}

export interface ServerOptions {
  /** Routes only a test needs (e.g. a POST to exercise Idempotency-Key), added before listening. */
  routes?: (app: FastifyInstance, store: Store) => void
  /** Share another server's store instead of making a fresh one (several processes, one store). */
  testStore?: TestStore
}

export async function startServer(config: Partial<AppConfig> = {}, options: ServerOptions = {}): Promise<TestServer> {
  const testStore = options.testStore ?? await freshStore()
  const ownsStore = options.testStore === undefined
  // As `partnerkit serve` opens it.
  const store = await openMigratedStore({ ...testStore.options, backgroundCheckpoints: true })
  const app = await buildApp({ config: { ...TEST_CONFIG, ...config }, store })
  const violations: string[] = []
  checkContract(app, violations)
  options.routes?.(app, store)
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const request = (method: string, path: string, options?: Call) => call(address, method, path, options)
  return {
    url: address,
    app,
    store,
    testStore,
    async program(input = {}) {
      const { program, apiKey } = await createProgram(store.db, {
        name: 'Test Program', type: 'affiliate', website: 'https://shop.example.com', ...input,
      })
      return { id: program.id, publicId: program.publicId, key: apiKey }
    },
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    put: (path, options) => request('PUT', path, options),
    delete: (path, options) => request('DELETE', path, options),
    request,
    async close() {
      await app.close()
      // The store (and its checkpoint worker) closes even when the contract check fails.
      await store.close()
      if (ownsStore) await testStore.drop()
      if (violations.length > 0) throw new Error(`Answers that break the documented contract:\n${violations.join('\n')}`)
    },
  }
}
