// A bar chart drawn on the server as SVG: no chart library, printable, and readable without sight
// (a title and description, and the same numbers in a table beside it). Written as a string, not
// as components: a chart is a few hundred small elements, and this is the dashboard's hot path.
// Every text in it goes through escapeHtml.
import { escapeHtml } from '../../mail/message.js'

export interface Bar {
  label: string
  value: number
  /** The value as a person reads it ("$12.50"); the number itself when absent. */
  shown?: string
}

const WIDTH = 640
const HEIGHT = 160
const AXIS = 18

function svg(title: string, bars: Bar[], id: string): string {
  const max = Math.max(0, ...bars.map((b) => b.value))
  const scale = max > 0 ? (HEIGHT - 4) / max : 0
  const slot = WIDTH / Math.max(1, bars.length)
  const rects = bars.map((b, i) => {
    const h = Math.round(b.value * scale)
    return `<rect class="bar" x="${Math.round(i * slot + 1)}" y="${HEIGHT - h}" width="${Math.max(1, Math.round(slot - 2))}" height="${h}"></rect>`
  }).join('')
  const first = bars[0] ? `<text x="0" y="${HEIGHT + 14}">${escapeHtml(bars[0].label)}</text>` : ''
  const last = bars.length > 1 ? `<text x="${WIDTH}" y="${HEIGHT + 14}" text-anchor="end">${escapeHtml((bars[bars.length - 1] as Bar).label)}</text>` : ''
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT + AXIS}" role="img" aria-labelledby="${id}-title ${id}-desc">`
    + `<title id="${id}-title">${escapeHtml(title)}</title>`
    + `<desc id="${id}-desc">${escapeHtml(`${bars.length} days; ${bars.filter((b) => b.value > 0).length} with any. The table below has every day.`)}</desc>`
    + `${rects}${first}${last}</svg>`
}

function table(title: string, bars: Bar[]): string {
  const rows = bars.filter((b) => b.value !== 0).map((b) => `<tr><td>${escapeHtml(b.label)}</td><td class="num">${escapeHtml(b.shown ?? String(b.value))}</td></tr>`).join('')
  return `<details><summary>${escapeHtml(`${title} as a table`)}</summary>`
    + (rows === '' ? '<p class="empty">Nothing on any day yet.</p>'
      : `<table><caption class="visually-hidden">${escapeHtml(title)}</caption><thead><tr><th scope="col">Day</th><th scope="col" class="num">Amount</th></tr></thead><tbody>${rows}</tbody></table>`)
    + '</details>'
}

export function BarChart(props: { title: string; bars: Bar[]; id?: string }) {
  const id = props.id ?? 'chart'
  return <figure class="chart card" dangerouslySetInnerHTML={{ __html: `${svg(props.title, props.bars, id)}${table(props.title, props.bars)}<figcaption>${escapeHtml(props.title)}</figcaption>` }} />
}
