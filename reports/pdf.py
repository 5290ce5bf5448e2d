"""Rendering a report: one code path from a snapshot to print HTML to a tagged PDF.

The browser preview and the PDF use the same body template (reports/_body.html); the PDF's
page furniture (A4, running header, "Page X of Y", landscape appendix) is in the print
stylesheet, read from disk, so the browser pages stay within the Content-Security-Policy.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

from reports.compose import present

STYLESHEET = settings.BASE_DIR / "static" / "reports" / "print.css"

# WeasyPrint logs a line per page at INFO (and some on import); a worker's log needs only
# its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass
class Rendered:
    pdf: bytes
    pages: int

    @property
    def sha256(self):
        return hashlib.sha256(self.pdf).hexdigest()


def print_html(snapshot):
    """The complete HTML document WeasyPrint turns into the PDF."""
    return render_to_string("reports/print.html", {"report": present(snapshot)})


def html_to_pdf(html):
    """WeasyPrint alone: tagged PDF/UA-1 with the document's title and language."""
    import weasyprint  # loads Pango: only processes that render pay for it

    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent)).render(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))], pdf_variant="pdf/ua-1"
    )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
    return Rendered(pdf=pdf, pages=len(document.pages))


def render(snapshot):
    return html_to_pdf(print_html(snapshot))
