// Tenant isolation on every operation the OpenAPI document lists: program A's key with program B's
// ids is answered exactly as a missing id (404, byte for byte), changes nothing of B's, and no
// answer of A's shows an object of B's. The operations and their id fields come from the document,
// so new routes are covered as they appear (test/support/isolation/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from './support/server.js'
import { operationsOf, probesOf, type Operation, type Probe } from './support/isolation/operations.js'
import { isolationViolations } from './support/isolation/check.js'
import { injectFault } from '../src/faults.js'

let server: TestServer
let ops: Operation[]
let probes: Probe[]
beforeAll(async () => {
  server = await startServer()
  ops = operationsOf((await server.get('/v1/openapi.json')).json)
  probes = probesOf(ops)
})
afterAll(() => server.close())

describe('isolation between programs', () => {
  it('probes every operation that takes an id', () => {
    const probed = new Set(probes.map((p) => p.op.label))
    // Every id in a path (the derivation stops at one it cannot place, and at an id-like field it
    // cannot explain) …
    expect(ops.filter((op) => /\{\w+\}/.test(op.path) && !probed.has(op.label)).map((op) => op.label)).toEqual([])
    // … and ids in the input: the object acted on, another object needed, a filter, a new id.
    for (const label of ['PUT /v1/partners', 'GET /v1/leads/convert', 'POST /v1/payout_requests', 'GET /v1/customers', 'POST /v1/customers']) {
      expect(probed, label).toContain(label)
    }
    expect(probed.size).toBeGreaterThanOrEqual(70)
  })

  it('answers another program\'s ids as missing ones, and changes nothing of it', async () => {
    expect(await isolationViolations(server, ops, probes, 'iso')).toEqual([])
  }, 120_000)

  it('goes red when a look-up forgets its program (the bug injected)', async () => {
    injectFault('isolation', true)
    try {
      const violations = await isolationViolations(server, ops, probes, 'bug')
      // A partner named by id, in a path, in a body, and what A then lists.
      for (const seen of ['POST /v1/partners/{id}/reward path:id (partner id)', 'POST /v1/leads input:partner_id', 'GET /v1/leads: A\'s answer shows B\'s objects']) {
        expect(violations.some((v) => v.startsWith(seen)), `${seen} in:\n${violations.join('\n')}`).toBe(true)
      }
    } finally {
      injectFault('isolation', false)
    }
  }, 120_000)
})
