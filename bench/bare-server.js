// What both reference servers share: listen on a free port, print it on the first line of stdout
// (the bench reads it from there), and stop cleanly on SIGTERM.
import http from 'node:http'

export function serveBare(handler) {
  const server = http.createServer(handler)
  // Port 0: the OS picks a free port.
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${server.address().port}\n`)
  })
  process.once('SIGTERM', () => {
    // Idle keep-alive connections from autocannon would otherwise hold server.close() open.
    server.closeAllConnections()
    server.close(() => process.exit(0))
  })
}
