// The reference point for bench/transaction-write.js: bare node:http taking a JSON sale and writing
// it as one row, in one SQLite transaction, with the durability settings of Partnerkit's own store
// (WAL, synchronous NORMAL). No framework, auth, validation, commission, ledger or counters: the
// ratio to it is what recording a sale the Partnerkit way costs on top of one durable insert.
//
//   node bench/baseline-write-server.js FILE   (prints its port on the first line of stdout)
import { createRequire } from 'node:module'
import { serveBare } from './bare-server.js'

const SQLite = createRequire(import.meta.url)('better-sqlite3')
const db = new SQLite(process.argv[2])
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.exec(`create table if not exists sales (id integer primary key autoincrement, "key" text not null unique,
  customer text not null, amount text not null, created_at integer not null)`)
const insert = db.prepare('insert into sales ("key", customer, amount, created_at) values (?, ?, ?, ?)')
const record = db.transaction((sale, now) => insert.run(sale.key, sale.customer?.key ?? '', String(sale.amount), now).lastInsertRowid)

serveBare((req, res) => {
  let text = ''
  req.setEncoding('utf8')
  req.on('data', (chunk) => { text += chunk })
  req.on('end', () => {
    let status = 201
    let body
    try {
      const sale = JSON.parse(text)
      body = JSON.stringify({ data: { id: Number(record(sale, Date.now())), key: sale.key, amount: sale.amount } })
    } catch (err) {
      // A duplicate key or bad JSON: the bench refuses any run with a non-2xx answer.
      status = 422
      body = JSON.stringify({ message: err.message })
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
