// The one table every list page uses: a caption for screen readers, headers with scope, numbers
// right-aligned, and what to do next when there is nothing to show.
import type { ComponentChildren } from 'preact'

export interface Column<Row> {
  label: string
  /** Right-aligned, tabular figures (amounts, counts). */
  num?: boolean
  cell: (row: Row) => ComponentChildren
}

export function Table<Row>(props: { caption: string; columns: Array<Column<Row>>; rows: Row[]; rowKey: (row: Row) => string | number; empty: ComponentChildren }) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>
  return (
    <table>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead><tr>{props.columns.map((c) => <th key={c.label} scope="col" class={c.num ? 'num' : undefined}>{c.label}</th>)}</tr></thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={props.rowKey(row)}>{props.columns.map((c) => <td key={c.label} class={c.num ? 'num' : undefined}>{c.cell(row)}</td>)}</tr>
        ))}
      </tbody>
    </table>
  )
}

/** Newer / older links under a list: `href(n)` is page n's address. */
export function Pager(props: { page: number; hasMore: boolean; href: (page: number) => string }) {
  if (props.page <= 1 && !props.hasMore) return null
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 1 && <a href={props.href(props.page - 1)} rel="prev">Previous page</a>}
      <span>{`Page ${props.page}`}</span>
      {props.hasMore && <a href={props.href(props.page + 1)} rel="next">Next page</a>}
    </nav>
  )
}

/** The page number a `?page=` asks for: 1 when it asks for nothing sensible. */
export function pageNumber(raw: string | undefined, max = 100_000): number {
  const n = Number.parseInt(raw ?? '1', 10)
  return Number.isSafeInteger(n) && n >= 1 ? Math.min(n, max) : 1
}
