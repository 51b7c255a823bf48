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
