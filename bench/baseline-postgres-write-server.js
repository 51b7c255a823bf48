// The PostgreSQL reference point for bench/transaction-write.js: bare node:http taking a JSON sale
// and writing it as one row with one INSERT (its own transaction, committed durably), through the
// same driver and pool size as Partnerkit. No framework, auth, validation, commission, ledger or
// counters: what one durable PostgreSQL write per request costs on this machine, measured in the
// same run, so the PostgreSQL line can be read against the machine it ran on.
//
//   node bench/baseline-postgres-write-server.js URL   (prints its port on the first line of stdout)
import { createRequire } from 'node:module'
import { serveBare } from './bare-server.js'

const pg = createRequire(import.meta.url)('pg')
const pool = new pg.Pool({ connectionString: process.argv[2], max: 10 })
const TABLE = 'bench_baseline_sales'
await pool.query(`drop table if exists ${TABLE}`)
await pool.query(`create table ${TABLE} (id bigserial primary key, "key" text not null unique, customer text not null,
  amount text not null, created_at bigint not null)`)
const INSERT = { name: 'baseline_sale', text: `insert into ${TABLE} ("key", customer, amount, created_at) values ($1, $2, $3, $4) returning id` }

serveBare((req, res) => {
  let text = ''
  req.setEncoding('utf8')
  req.on('data', (chunk) => { text += chunk })
  req.on('end', async () => {
    let status = 201
    let body
    try {
      const sale = JSON.parse(text)
      const { rows } = await pool.query({ ...INSERT, values: [sale.key, sale.customer?.key ?? '', String(sale.amount), Date.now()] })
      body = JSON.stringify({ data: { id: Number(rows[0].id), key: sale.key, amount: sale.amount } })
    } catch (err) {
      // A duplicate key or bad JSON: the bench refuses any run with a non-2xx answer.
      status = 422
      body = JSON.stringify({ message: err.message })
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
