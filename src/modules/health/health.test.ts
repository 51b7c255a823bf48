import { describe, expect, it } from 'vitest'
import { startServer } from '../../../test/support/server.js'

describe('GET /healthz', () => {
  it('answers 200 without a key while the store answers, 503 when it does not', async () => {
    const server = await startServer()
    try {
      const res = await server.get('/healthz')
      expect(res.status).toBe(200)
      expect(res.json).toEqual({ data: { store: 'ok' }, status: 1 })
      await server.store.close()
      const down = await server.get('/healthz')
      expect(down.status).toBe(503)
      expect(down.json).toEqual({ message: 'The store is not answering.', code: 'store_unavailable', status: 0 })
    } finally {
      await server.app.close()
      await server.testStore.drop()
    }
  })
})
