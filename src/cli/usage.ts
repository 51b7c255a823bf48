export class UsageError extends Error {}

/** The one value of a required option, or a usage error naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name]
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required.`)
  return value
}
