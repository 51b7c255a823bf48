// The page shell every portal (and admin) page shares: head, skip link, the program's name and
// navigation, the notice a form left, and the content. Nothing here is inline script or style.
import type { ComponentChildren } from 'preact'
import { assetUrl } from '../assets.js'
import { en } from '../i18n/en.js'

export interface NavItem {
  href: string
  label: string
  current: boolean
}

export interface Notice {
  kind: 'ok' | 'error' | 'info'
  text: string
}

export interface ShellProps {
  title: string
  /** The program (or product) name in the top bar. */
  brand: string
  /** Where the name in the top bar leads. */
  home: string
  /** The program's own stylesheet (its colour), when it has one. */
  brandCss?: string
  /** The program's logo, shown before its name in the top bar, when it has one. */
  logo?: string
  nav?: NavItem[]
  /** A signed-in page's sign-out form. */
  signOut?: { action: string; csrf: string }
  /** A signed-in page's link to the person's own account, beside signing out. */
  account?: NavItem
  notice?: Notice
  narrow?: boolean
  children: ComponentChildren
}

export function Shell(props: ShellProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · ${props.brand}`}</title>
        <link rel="stylesheet" href={assetUrl('portal.css')} />
        {props.brandCss && <link rel="stylesheet" href={props.brandCss} />}
        <script src={assetUrl('portal.js')} defer />
      </head>
      <body>
        <a class="skip" href="#content">{en.skip}</a>
        <header class="top">
          <div class="bar">
            <a class="name" href={props.home}>
              {/* The name beside it says what the link is: the image adds nothing to read aloud. */}
              {props.logo && <img class="logo" src={props.logo} alt="" />}
              {props.brand}
            </a>
            {props.nav && (
              <nav aria-label="Main">
                <ul>
                  {props.nav.map((item) => (
                    <li key={item.href}><a href={item.href} aria-current={item.current ? 'page' : undefined}>{item.label}</a></li>
                  ))}
                </ul>
              </nav>
            )}
            {props.account && (
              <a class="account" href={props.account.href} aria-current={props.account.current ? 'page' : undefined}>{props.account.label}</a>
            )}
            {props.signOut && (
              <form method="post" action={props.signOut.action}>
                <input type="hidden" name="_csrf" value={props.signOut.csrf} />
                <button type="submit" class="quiet">{en.signOut}</button>
              </form>
            )}
          </div>
        </header>
        <main id="content" class={props.narrow ? 'narrow' : undefined}>
          {props.notice && <div class={`notice ${props.notice.kind}`} role={props.notice.kind === 'error' ? 'alert' : 'status'}>{props.notice.text}</div>}
          <p id="copy-status" class="visually-hidden" role="status" aria-live="polite"></p>
          {props.children}
        </main>
        <footer class="bottom">Powered by Partnerkit</footer>
      </body>
    </html>
  )
}
