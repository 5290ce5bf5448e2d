// Refreshes the tracker's results as the filters change, without reloading the page. The
// form works without this script: it is a plain GET form with an Apply button, so every
// filtered view is a URL. This only saves the click, keeps that URL in the address bar, and
// tells screen reader users the new count.
const form = document.querySelector('form[data-results]')

if (form) {
  const status = document.getElementById('filter-status')
  let timer
  let controller

  const query = () => {
    const params = new URLSearchParams()
    for (const [key, value] of new FormData(form)) {
      if (value) params.append(key, value) // empty filters would only lengthen the URL
    }
    return params.toString()
  }

  const refresh = async () => {
    const search = query()
    const url = form.action + (search ? `?${search}` : '')
    const results = document.getElementById(form.dataset.results)
    controller?.abort()
    controller = new AbortController()
    results.setAttribute('aria-busy', 'true')
    try {
      const response = await fetch(url, { signal: controller.signal })
      if (!response.ok) return
      const page = new DOMParser().parseFromString(await response.text(), 'text/html')
      const fresh = page.getElementById(form.dataset.results)
      results.replaceWith(fresh)
      window.history.replaceState(null, '', url)
      status.textContent = fresh.querySelector('#result-count').textContent
    } catch {
      // Aborted by a newer change, or the network failed: Apply still works.
    } finally {
      results.removeAttribute('aria-busy')
    }
  }

  form.addEventListener('input', (event) => {
    clearTimeout(timer)
    const typing = ['search', 'text', 'date'].includes(event.target.type)
    timer = setTimeout(refresh, typing ? 400 : 0)
  })
}
