// The reference point for bench/clicks.js: the fastest a Node HTTP server can answer a referral
// link on this machine — a fixed 302, no routing, no store, nothing counted.
import { serveBare } from './bare-server.js'

serveBare((req, res) => {
  res.writeHead(302, { location: 'https://bench.example.com/?aff=bench-key-1', 'content-length': 0 })
  res.end()
})
