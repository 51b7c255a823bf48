// `partnerkit serve`: config → store (migrated) → demo program and its owner on first start → app → listen.
// SIGTERM/SIGINT close the listener, let requests in flight finish, let a running job finish,
// then close the store.
import { loadConfig, type Config } from './config.js'
import { openMigratedStore } from './store/store.js'
import { buildApp } from './app.js'
import { createDemoProgramOnce } from './modules/api-keys/service.js'
import { addMember } from './modules/users/service.js'
import { mintSignInUrl } from './modules/users/sign-in.js'
import { startJobs } from './jobs/index.js'
import { logSender, smtpSender } from './mail/sender.js'

export async function serve(config: Config = loadConfig()): Promise<void> {
  const store = await openMigratedStore({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, secretKey: config.secretKey, backgroundCheckpoints: true,
  })
  const demo = await createDemoProgramOnce(store.db)
  // The demo program's first owner (ADMIN_EMAIL), so the admin can be opened straight away.
  const owner = demo && await addMember(store.db, demo.program.id, { email: config.adminEmail, role: 'owner' }, null)
  const app = await buildApp({ config, store })
  const address = await app.listen({ port: config.port, host: config.host })
  const shownUrl = config.publicUrl ?? address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost')
  const { smtpUrl, from } = config.mail
  // loadConfig refuses SMTP_URL without MAIL_FROM, so `from` is there whenever SMTP is.
  const sender = smtpUrl !== undefined && from !== undefined ? smtpSender(smtpUrl, from) : logSender(app.log)
  const adminLink = demo && owner && (await mintSignInUrl(store.db, owner.user.id, demo.program.id, shownUrl)).url
  const jobs = startJobs(store.db, app.log, {}, { allowPrivateUrls: config.allowPrivateWebhookUrls }, { sender, baseUrl: shownUrl })
  // One write, so whoever reads the output gets the address and the demo key together.
  process.stdout.write(`Partnerkit is serving ${shownUrl} (store: ${store.dialect}, ${store.location})\n${demo
    ? `\nA demo affiliate program was created: ${demo.program.name} (${demo.program.publicId}).\n`
      + `Its API key, shown only this once:\n\n  ${demo.apiKey}\n\n`
      + `Try: curl -H "Authorization: Bearer ${demo.apiKey}" ${shownUrl}/v1/program\n\n`
      + `Its admin, signed in as ${config.adminEmail} (ADMIN_EMAIL) by this link, which works once within 15 minutes\n`
      + `(for another: npx partnerkit users create --email ${config.adminEmail} --program ${demo.program.publicId}):\n\n  ${adminLink}\n\n`
      + `Its partner portal: ${shownUrl}/portal/${demo.program.publicId} (partners apply at …/apply; without SMTP_URL\n`
      + `the verification mail is in the log and in \`partnerkit mail list\`).\n\n`
    : ''}`)
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await jobs.stop()
    await store.close()
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
}
