// A bar chart drawn on the server as SVG: no chart library, printable, and readable without sight
// (a title and description, and the same numbers in a table beside it).
export interface Bar {
  label: string
  value: number
}

const WIDTH = 640
const HEIGHT = 160
const AXIS = 18

export function BarChart(props: { title: string; bars: Bar[]; unit: string }) {
  const max = Math.max(1, ...props.bars.map((b) => b.value))
  const slot = WIDTH / Math.max(1, props.bars.length)
  const total = props.bars.reduce((sum, b) => sum + b.value, 0)
  return (
    <figure class="chart card">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">{props.title}</title>
        <desc id="chart-desc">{`${total} ${props.unit} over ${props.bars.length} days; the most on one day: ${max === 1 && total === 0 ? 0 : max}.`}</desc>
        {props.bars.map((b, i) => {
          const h = Math.round((b.value / max) * (HEIGHT - 4))
          return <rect key={b.label} class="bar" x={Math.round(i * slot + 1)} y={HEIGHT - h} width={Math.max(1, Math.round(slot - 2))} height={h}><title>{`${b.label}: ${b.value}`}</title></rect>
        })}
        {props.bars.length > 0 && <text x="0" y={HEIGHT + 14}>{props.bars[0]?.label}</text>}
        {props.bars.length > 1 && <text x={WIDTH} y={HEIGHT + 14} text-anchor="end">{props.bars[props.bars.length - 1]?.label}</text>}
      </svg>
      <figcaption>{props.title}</figcaption>
    </figure>
  )
}
