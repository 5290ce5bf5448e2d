// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports. The class tells
// govuk-frontend's CSS that its JavaScript is running; the usual inline snippet would be
// blocked by our Content-Security-Policy, hence this file.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
