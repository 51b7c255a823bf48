// A second reference point for bench/partner-read.js: bare node:http doing the same store work as
// GET /v1/partners/{id} — find the partner by id (then by referral key) in the same SQLite file,
// read its links and money counters, answer JSON — with no framework, auth, rate limit, validation
// or representation. The ratio to this one shows what Partnerkit's own layers cost on top of the
// read itself; the ratio to baseline-server.js shows the whole cost.
//
//   node bench/baseline-store-server.js FILE   (prints its port on the first line of stdout)
import { serveBare } from './bare-server.js'
import { createRequire } from 'node:module'

const SQLite = createRequire(import.meta.url)('better-sqlite3')
const db = new SQLite(process.argv[2], { readonly: true })
// The generated program: its id leads every index, as in Partnerkit's own queries.
const program = db.prepare('select program_id from partners limit 1').pluck().get()
const byId = db.prepare('select * from partners where program_id = ? and public_id = ?')
const byKey = db.prepare('select p.* from referral_links l join partners p on p.id = l.partner_id where l.program_id = ? and l."key" = ?')
const links = db.prepare('select "key", landing_url from referral_links where program_id = ? and partner_id = ? order by is_default desc, id')
const amounts = db.prepare('select metric, currency, value from partner_amounts where program_id = ? and partner_id = ? order by currency, metric')

serveBare((req, res) => {
  const ref = decodeURIComponent(req.url.slice(req.url.lastIndexOf('/') + 1))
  const partner = byId.get(program, ref) ?? byKey.get(program, ref)
  const body = partner
    ? JSON.stringify({ data: { ...partner, password_hash: undefined, links: links.all(program, partner.id), amounts: amounts.all(program, partner.id) } })
    : '{"message":"Partner not found"}'
  res.writeHead(partner ? 200 : 404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
