// The reference point for bench/api-read.js: the fastest a Node HTTP server can answer a JSON GET
// on this machine, with no framework, routing, auth, validation or store. Partnerkit is reported
// as a ratio to this, so numbers from different machines can be compared.
import http from 'node:http'

// A ~2 kB JSON body, about the size of Partnerkit's GET /v1/program answer, so the difference
// measured is the work per request and not the bytes on the wire.
const body = Buffer.from(JSON.stringify({ data: { payload: 'x'.repeat(2000) } }))

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
  res.end(body)
})

// Port 0: the OS picks a free port; the parent reads it from the first line of stdout.
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`)
})

process.once('SIGTERM', () => {
  // Idle keep-alive connections from autocannon would otherwise hold server.close() open.
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
