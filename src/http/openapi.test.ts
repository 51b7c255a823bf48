// Contract: every route is in the OpenAPI document and every documented route exists; the docs
// page is served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../../test/support/server.js'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

function documentedOperations(doc: { paths: Record<string, Record<string, unknown>> }) {
  const out: string[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    // OpenAPI writes /v1/x/{id}; the router, /v1/x/:id.
    for (const method of Object.keys(ops)) out.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`)
  }
  return out.sort()
}

describe('GET /v1/openapi.json', () => {
  it('is OpenAPI 3.1, public, and lists exactly the served operations', async () => {
    const res = await server.get('/v1/openapi.json')
    expect(res.status).toBe(200)
    expect(res.json.openapi).toBe('3.1.0')
    const served = server.app.knownRoutes.list().filter((r) => !r.includes(' /docs')).sort()
    expect(documentedOperations(res.json)).toEqual(served)
    expect(served).toContain('GET /v1/program')
    expect(served).toContain('DELETE /v1/program')
  })

  it('documents GET input as query parameters and other methods as JSON bodies', async () => {
    const doc = (await server.get('/v1/openapi.json')).json
    const events = doc.paths['/v1/events'].get
    expect(events.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['page', 'limit', 'type', 'sort']))
    expect(doc.paths['/v1/program'].put.requestBody.content['application/json'].schema.properties).toHaveProperty('program_settings')
    expect(doc.paths['/v1/program'].get.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/v1/program'].get.responses).toHaveProperty('401')
    expect(doc.paths['/healthz'].get.security).toBeUndefined()
  })
})

describe('/docs', () => {
  it('serves a human page', async () => {
    const res = await server.get('/docs')
    const page = res.status >= 300 && res.status < 400 ? await server.get(String(res.headers.location)) : res
    expect(page.status).toBe(200)
    expect(page.text).toMatch(/swagger/i)
  })
})
