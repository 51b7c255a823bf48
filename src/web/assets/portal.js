// The portal's one script, and only an enhancement: every page works without it.
// A button with data-copy copies the text of the element it names and says so.
document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('button[data-copy]')
  if (!button) return
  var source = document.getElementById(button.getAttribute('data-copy'))
  if (!source || !navigator.clipboard) return
  event.preventDefault()
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    var label = button.textContent
    button.textContent = 'Copied'
    var status = document.getElementById('copy-status')
    if (status) status.textContent = 'Copied to the clipboard.'
    setTimeout(function () { button.textContent = label }, 1500)
  })
})

// A form with data-preview shows, as it is edited, what the server's preview says of it: the form
// is posted to that address (the same post its Preview button makes without script) and the
// answer's #preview replaces this page's. Nothing is saved by a preview.
document.querySelectorAll('form[data-preview]').forEach(function (form) {
  var target = document.getElementById('preview')
  if (!target || !window.fetch || !window.DOMParser) return
  var timer
  var latest = 0
  function refresh() {
    var asked = ++latest
    fetch(form.getAttribute('data-preview'), {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
    }).then(function (answer) { return answer.text() }).then(function (html) {
      // An older answer arriving late must not replace a newer one.
      if (asked !== latest) return
      var shown = new DOMParser().parseFromString(html, 'text/html').getElementById('preview')
      if (shown) target.replaceChildren.apply(target, Array.from(shown.childNodes))
    }).catch(function () {})
  }
  form.addEventListener('input', function () {
    clearTimeout(timer)
    timer = setTimeout(refresh, 300)
  })
})
