// The contract check itself goes red when an answer leaves its documented schema.
import { describe, expect, it } from 'vitest'
import { Type } from 'typebox'
import { startServer } from './support/server.js'
import { addRoute } from '../src/http/route.js'

describe('the contract check', () => {
  it('fails the test file when an answer breaks its response schema', async () => {
    const server = await startServer({}, {
      routes: (app) => addRoute(app, () => '', {
        method: 'GET',
        url: '/v1/off-contract',
        summary: 'test only',
        tags: ['Test'],
        public: true,
        response: { 200: Type.Object({ data: Type.Object({ n: Type.Integer() }), status: Type.Literal(1) }) },
        // A raw string skips serialization, as a careless handler might.
        handler: async ({ reply }) => reply.type('application/json').send('{"data":{"n":"seven"},"status":1}'),
      }),
    })
    expect((await server.get('/v1/off-contract')).status).toBe(200)
    await expect(server.close()).rejects.toThrow(/off-contract → 200: .*data\/n must be integer/)
  })
})
