// What each role may do in its program, as one table: a viewer reads everything and changes
// nothing; an admin changes everything but the team and the API keys; an owner changes everything.
// Every admin page names the action it needs and asks here; nothing else decides.
import type { Role } from '../../store/schema.js'
import { forbidden } from '../../domain-errors.js'

export type { Role }

export type Action = 'read' | 'change' | 'manage-users' | 'manage-keys'

export const ROLES: readonly Role[] = ['owner', 'admin', 'viewer']

const ALLOWED: Record<Role, readonly Action[]> = {
  owner: ['read', 'change', 'manage-users', 'manage-keys'],
  admin: ['read', 'change'],
  viewer: ['read'],
}

export function may(role: Role, action: Action): boolean {
  return ALLOWED[role].includes(action)
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

const REFUSED: Record<Action, string> = {
  read: 'You are not a member of this program.',
  change: 'Your role in this program lets you look, not change anything.',
  'manage-users': 'Only an owner of this program manages its users.',
  'manage-keys': 'Only an owner of this program manages its API keys.',
}

/** The domain error a page or service answers when a role may not do `action`. */
export function requireMay(role: Role, action: Action): void {
  if (!may(role, action)) throw forbidden(REFUSED[action])
}
