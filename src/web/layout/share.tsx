// Sharing a link: the link with a copy button (portal.js copies; without script it is selectable
// text), and its QR code. Used by the partner portal's links and a referring customer's page.
import QRCode from 'qrcode'

export async function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
}

export function Copyable({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <div class="link-row">
      <span class="why">{label}</span>
      <code id={id}>{value}</code>
      <button type="button" class="quiet" data-copy={id} aria-label={`Copy: ${label}`}>Copy</button>
    </div>
  )
}

/** The QR code of a link. Drawn by the qrcode package from the link alone: no text of anyone's is in it. */
export function QrCode({ svg, url, caption }: { svg: string; url: string; caption: string }) {
  return <figure class="qr"><div dangerouslySetInnerHTML={{ __html: svg }} role="img" aria-label={`QR code of ${url}`} /><figcaption>{caption}</figcaption></figure>
}
