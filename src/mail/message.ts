// What a message is, and the one place its HTML is made. A message file gives plain text parts
// (paragraphs, a button, a code); compose() writes them as the text body and as HTML, escaping
// every part, so a partner named `<script>` is text in every mail and no message can forget it.

export interface Message {
  subject: string
  text: string
  html: string
}

export interface Parts {
  subject: string
  /** "Hi Ana," — the first line of the body. */
  greeting: string
  paragraphs: string[]
  /** A code to type in (sign-in), shown large. */
  code?: string
  /** The one thing to do next: a link, shown as a button and as the URL itself. */
  action?: { label: string; url: string }
  /** Small print under everything: why this mail came. */
  footer?: string
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
}

/** A value for a one-line header (the subject): line breaks a name might carry become spaces. */
export function oneLine(value: string): string {
  return value.replace(/[\r\n\t]+/g, ' ').trim()
}

/** "Hi Ana," or "Hi," when the partner gave no name. */
export function greet(name: string | null | undefined): string {
  const given = oneLine(name ?? '')
  return given === '' ? 'Hi,' : `Hi ${given},`
}

export function compose(parts: Parts): Message {
  const subject = oneLine(parts.subject)
  const text = [
    parts.greeting,
    ...parts.paragraphs,
    ...(parts.code ? [parts.code] : []),
    ...(parts.action ? [`${parts.action.label}: ${parts.action.url}`] : []),
    ...(parts.footer ? [`--\n${parts.footer}`] : []),
  ].join('\n\n') + '\n'
  const p = (t: string) => `<p style="margin:0 0 16px">${escapeHtml(t)}</p>`
  const body = [
    p(parts.greeting),
    ...parts.paragraphs.map(p),
    ...(parts.code ? [`<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:4px">${escapeHtml(parts.code)}</p>`] : []),
    ...(parts.action ? [
      `<p style="margin:0 0 16px"><a href="${escapeHtml(parts.action.url)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:6px">${escapeHtml(parts.action.label)}</a></p>`,
      `<p style="margin:0 0 16px;font-size:13px;color:#555">${escapeHtml(parts.action.url)}</p>`,
    ] : []),
    ...(parts.footer ? [`<p style="margin:24px 0 0;font-size:12px;color:#777">${escapeHtml(parts.footer)}</p>`] : []),
  ].join('\n')
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#111;max-width:560px;margin:0 auto;padding:24px">
${body}
</body></html>
`
  return { subject, text, html }
}
