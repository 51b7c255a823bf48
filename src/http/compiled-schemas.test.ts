// Schemas compile on first use (compiled-schemas.ts); this compiles all of them at once, so a
// schema Ajv or fast-json-stringify refuses fails here rather than on a route's first call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'
import { compileEverySchema } from './compiled-schemas.js'

let server: TestServer
beforeAll(async () => {
  // Building the app declares every route's schemas.
  server = await startServer()
})
afterAll(() => server.close())

describe('route schemas', () => {
  it('all compile: every input check and every response serializer of every route', () => {
    // ~100 routes, each with a success and nine error responses, most with an input schema.
    expect(compileEverySchema()).toBeGreaterThan(500)
  })
})
