// tsc compiles the pages but leaves the stylesheet and scripts they link to: copy those beside
// the compiled pages, where src/web/assets.ts looks for them.
import { cpSync } from 'node:fs'

cpSync(new URL('../src/web/assets', import.meta.url), new URL('../dist/web/assets', import.meta.url), { recursive: true })
