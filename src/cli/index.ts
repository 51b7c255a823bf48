// The `partnerkit` command. Scripts depend on this contract: `programs create` prints exactly one
// JSON object, `keys create` prints only the key, `users create` only the sign-in URL, errors go to
// stderr with a non-zero exit.
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type Config } from '../config.js'
import { migrateToLatest } from '../store/migrate.js'
import { openMigratedStore, openStore, type Store } from '../store/store.js'
import { UsageError } from './usage.js'

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version

const HELP = `Usage: partnerkit <command>

  --version                               print the version
  serve                                   serve the API (what npm start runs)
  migrate                                 bring the store's schema up to date
  programs create --name NAME --type affiliate|referral|newsletter [--website URL] [--currency USD]
  programs list
  keys create --program PUBLIC_ID         print a new API key for the program
  keys list --program PUBLIC_ID           list its keys (display prefixes only)
  keys revoke KEY                         revoke a key (the full key or its display prefix)
  integrations stripe --program PUBLIC_ID --webhook-secret whsec_… [--reverse-on-dispute true|false]
                                          set the program's Stripe webhook signing secret
  mail list [--to EMAIL] [--limit 20]     the recent mails, newest first, with their links
                                          (without SMTP_URL mails are not sent: sign in from here)
  users create --email EMAIL --program PUBLIC_ID [--role owner|admin|viewer]
                                          add a merchant user to the program (owner unless told)
                                          and print only its one-time admin sign-in URL
  users list --program PUBLIC_ID          one line per user: email, role, when added
  users remove --email EMAIL --program PUBLIC_ID
                                          take the user out of the program (not its last owner)

Every command uses DATABASE_URL (postgres://…) or the SQLite file in PARTNERKIT_DATA_DIR (./data).
`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(HELP)
      return command === undefined ? 2 : 0
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      process.stdout.write(`partnerkit ${VERSION}\n`)
      return 0
    }
    const config = loadConfig()
    if (command === 'serve') {
      parseArgs({ args: rest, options: {} })
      // Only `serve` loads the server (about a second): the other commands, which scripts run one
      // after another, start in a third of that.
      const { serve } = await import('../main.js')
      await serve(config)
      return 0
    }
    if (command === 'migrate') {
      parseArgs({ args: rest, options: {} })
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
      try {
        const applied = await migrateToLatest(store)
        process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The store is up to date.\n')
      } finally {
        await store.close()
      }
      return 0
    }
    // Each command's module is loaded when it runs: a script's command loads only what it uses.
    const commands: Record<string, () => Promise<(store: Store, args: string[], config: Config) => Promise<number>>> = {
      programs: async () => (await import('./programs.js')).programsCommand,
      keys: async () => (await import('./keys.js')).keysCommand,
      integrations: async () => (await import('./integrations.js')).integrationsCommand,
      mail: async () => (await import('./mail.js')).mailCommand,
      users: async () => (await import('./users.js')).usersCommand,
    }
    const load = Object.hasOwn(commands, command) ? commands[command] : undefined
    if (!load) throw new UsageError(`Unknown command "${command}".`)
    const run = await load()
    const store: Store = await openMigratedStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, secretKey: config.secretKey })
    try {
      return await run(store, rest, config)
    } finally {
      await store.close()
    }
  } catch (err) {
    return report(err)
  }
}

function report(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`partnerkit: ${err.message}\n\n${HELP}`)
    return 2
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`partnerkit: ${err.message}\n`)
    return 78
  }
  const code = (err as { code?: string }).code
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`partnerkit: ${(err as Error).message}\n\n${HELP}`)
    return 2
  }
  process.stderr.write(`partnerkit: ${(err as Error).message ?? String(err)}\n`)
  return 1
}
