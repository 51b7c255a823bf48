// The reference point for bench/portal-dashboard.js: bare node:http answering a fixed HTML page of
// the same size as the dashboard Partnerkit renders (its byte count is the first argument).
import { serveBare } from './bare-server.js'

const size = Number(process.argv[2] ?? 10_000)
const body = Buffer.from(`<!doctype html><html lang="en"><head><title>page</title></head><body>${'x'.repeat(Math.max(0, size - 75))}</body></html>`)

serveBare((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length })
  res.end(body)
})
