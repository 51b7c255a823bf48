// One action as one small form (approve, reject, redeliver…): a button that posts with the
// session's token, and the hidden fields that say what it acts on. Works without JavaScript.
export function PostButton(props: { action: string; csrf: string; label: string; fields?: Record<string, string>; quiet?: boolean; describedBy?: string }) {
  return (
    <form method="post" action={props.action} class="inline">
      <input type="hidden" name="_csrf" value={props.csrf} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <button type="submit" class={props.quiet ? 'quiet' : undefined} aria-describedby={props.describedBy}>{props.label}</button>
    </form>
  )
}
