// API keys (owners only): the program's keys by their display prefix, when made, live or revoked —
// never a secret, which is stored only as a hash. A new key is shown once, on the answer to the
// post that made it (no redirect: the key is in no URL, no later page, no cache), and revoked by
// its id; both are audited with the prefix only.
import type { FastifyInstance } from 'fastify'
import { displayPrefix, issueKey, keysOf, revokeProgramKey, type KeyListing } from '../../modules/api-keys/service.js'
import { record } from '../../modules/users/audit.js'
import { notFound } from '../../domain-errors.js'
import { Form, Submit } from '../layout/form.js'
import { PostButton } from '../layout/post-button.js'
import { Table } from '../layout/table.js'
import { Frame } from './frame.js'
import { SettingsNav } from './settings-nav.js'
import { adminPage, type AdminContext, type AdminDeps } from './route.js'
import { when } from './settings.js'

async function KeysPage({ ctx, created }: { ctx: AdminContext; created?: string }) {
  const keys = await keysOf(ctx.db, ctx.session!.program.id)
  const csrf = ctx.session!.csrf
  return (
    <Frame ctx={ctx} title="API keys" section="settings">
      <SettingsNav current="api-keys" session={ctx.session!} />
      <h1>API keys</h1>
      {created && (
        <section class="card" aria-labelledby="new-key">
          <h2 id="new-key">Your new API key</h2>
          <p><code>{created}</code></p>
          <p><strong>It is shown only now.</strong> Copy it to where your code keeps its secrets: Partnerkit keeps only a hash of it and cannot show it again.</p>
        </section>
      )}
      <Table<KeyListing>
        caption="API keys, oldest first" rows={keys} rowKey={(k) => k.id}
        empty="No API keys: nothing can call the API for this program."
        columns={[
          { label: 'Key', cell: (k) => <code>{k.prefix}</code> },
          { label: 'Created', cell: (k) => when(k.created_at) },
          { label: 'State', cell: (k) => (k.revoked_at === null ? 'Live' : `Revoked ${when(k.revoked_at)}`) },
          { label: 'Revoke', cell: (k) => (k.revoked_at === null ? <PostButton action={`/admin/settings/api-keys/${k.id}/revoke`} csrf={csrf} label={`Revoke ${k.prefix}`} quiet /> : '—') },
        ]}
      />
      <Form action="/admin/settings/api-keys" csrf={csrf} label="New API key">
        <Submit>Create an API key</Submit>
      </Form>
    </Frame>
  )
}

export function apiKeyPages(app: FastifyInstance, deps: AdminDeps) {
  adminPage(app, deps, {
    method: 'GET', path: '/settings/api-keys', access: 'user', needs: 'manage-keys',
    handle: (ctx) => KeysPage({ ctx }),
  })

  adminPage(app, deps, {
    method: 'POST', path: '/settings/api-keys', access: 'user', needs: 'manage-keys',
    async handle(ctx) {
      const { program, user } = ctx.session!
      const key = await issueKey(ctx.db, program.id)
      const prefix = displayPrefix(key)
      await record(ctx.db, { programId: program.id, userId: user.id, action: 'api_key.created', objectType: 'api_key', objectId: prefix, detail: { prefix } })
      return KeysPage({ ctx, created: key })
    },
  })

  adminPage(app, deps, {
    method: 'POST', path: '/settings/api-keys/:id/revoke', access: 'user', needs: 'manage-keys',
    async handle(ctx) {
      const { program, user } = ctx.session!
      if (!/^[1-9][0-9]{0,15}$/.test(ctx.params.id ?? '')) throw notFound('There is no such API key in this program.')
      const { prefix, revoked } = await revokeProgramKey(ctx.db, program.id, Number(ctx.params.id))
      deps.forgetKeyOwners?.()
      if (revoked) await record(ctx.db, { programId: program.id, userId: user.id, action: 'api_key.revoked', objectType: 'api_key', objectId: prefix, detail: { prefix } })
      return { redirect: '/admin/settings/api-keys?notice=key-revoked' }
    },
  })
}
