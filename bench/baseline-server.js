// The reference point for bench/api-read.js: the fastest a Node HTTP server can answer a JSON GET
// on this machine, with no framework, routing, auth, validation or store. Partnerkit is reported
// as a ratio to this, so numbers from different machines can be compared.
import { serveBare } from './bare-server.js'

// A ~2 kB JSON body, about the size of Partnerkit's GET /v1/program answer, so the difference
// measured is the work per request and not the bytes on the wire.
const body = Buffer.from(JSON.stringify({ data: { payload: 'x'.repeat(2000) } }))

serveBare((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
  res.end(body)
})
