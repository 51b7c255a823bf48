#!/usr/bin/env node
// The `partnerkit` command. The TypeScript sources are compiled by `npm ci` (the `prepare` script).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const entry = new URL('../dist/cli/index.js', import.meta.url)
if (!existsSync(fileURLToPath(entry))) {
  console.error('partnerkit: dist/ is missing; run `npm run build` (npm ci does it for you).')
  process.exit(1)
}
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2))
