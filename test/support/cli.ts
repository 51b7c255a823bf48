// Runs the real `partnerkit` command (bin/partnerkit.js over dist/, which `npm test` builds first).
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/partnerkit.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The environment a command gets: the store's variables, nothing from the developer's shell that could redirect it. */
export function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'silent', ...extra }
  return env
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface RunningServer {
  child: ChildProcess
  url: string
  stdout: () => string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** `partnerkit serve` on a free port; resolves once it says where it serves. */
export function serveCli(env: Record<string, string>): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: cliEnv({ PORT: '0', HOST: '127.0.0.1', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stdout}\n${stderr}`)), 15_000)
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      const match = /serving (http:\/\/\S+)/.exec(stdout)
      // The address and the demo key, when there is one, come in one write.
      if (match) {
        clearTimeout(timer)
        resolve({
          child,
          url: match[1] as string,
          stdout: () => stdout,
          stop: (signal = 'SIGTERM') => {
            child.kill(signal)
            return exited
          },
        })
      }
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}:\n${stdout}\n${stderr}`))
    })
  })
}
