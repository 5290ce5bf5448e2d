"""Rendering a report: one code path from a snapshot to print HTML to a tagged PDF.

The browser preview and the PDF use the same body template (reports/_body.html); the PDF's
page furniture (A4, running header, "Page X of Y", landscape appendix) is in the print
stylesheet, read from disk, so the browser pages stay within the Content-Security-Policy.

A draft carries "Draft — not for publication" (DRAFT_MARK) on every page: one paragraph of
text, tagged like any other so screen readers read it, fixed in place so WeasyPrint repeats it
on each page and out of the flow, so the pages break exactly as in the published file.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA

from reports.compose import present
from reports.models import DRAFT_MARK

STYLESHEET = settings.BASE_DIR / "static" / "reports" / "print.css"
log = logging.getLogger(__name__)


@dataclass
class Rendered:
    pdf: bytes
    pages: int

    @property
    def sha256(self):
        return hashlib.sha256(self.pdf).hexdigest()


@cache
def _browser_stylesheet():
    """WeasyPrint's own HTML stylesheet less the rules that give every element a ::marker
    and footnote pseudo-elements. A report has no footnotes and only list items need
    markers, yet WeasyPrint keeps a style for each of those per element: a third of its
    memory for a long report."""
    text = UA.replace("\n::marker {", "\nli::marker {")
    text = re.sub(r"^::(footnote|note)-[^\n]*$", "", text, flags=re.MULTILINE)
    # Its @counter-style rules are already in WeasyPrint's own counter styles, which it
    # uses for rendering; parsing them again into those would clash.
    return weasyprint.CSS(string=text, counter_style=CounterStyle())


@cache
def _static_roots():
    """The folders the project's static files come from, and collectstatic's STATIC_ROOT."""
    roots = [Path(settings.STATIC_ROOT)]
    for finder in finders.get_finders():
        roots += [Path(storage.location) for storage in getattr(finder, "storages", {}).values()]
    return [root.resolve() for root in roots]


class ReportFetcher(weasyprint.URLFetcher):
    """Fetches only data: URIs and the project's static files. Anything else in a report's
    HTML (another file on the server, a web address) is refused and logged, never fetched."""

    def allows(self, url):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(unquote(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in _static_roots())

    def fetch(self, url, headers=None):
        if not self.allows(url):
            log.warning("A report asked for %s; reports fetch only static files.", url)
            raise ValueError(f"Reports fetch only static files and data: URIs, not {url}")
        return super().fetch(url, headers)


class _ReportHTML(weasyprint.HTML):
    def _ua_stylesheets(self, forms=False):
        return [_browser_stylesheet()]


def print_html(snapshot, *, draft=False):
    """The complete HTML document WeasyPrint turns into the PDF; with `draft`, marked so."""
    return render_to_string(
        "reports/print.html",
        {"report": present(snapshot), "draft_mark": DRAFT_MARK if draft else ""},
    )


def html_to_pdf(html):
    """WeasyPrint alone: tagged PDF/UA-1 with the document's title and language."""
    fetcher = ReportFetcher()
    document = _ReportHTML(
        string=html, base_url=str(STYLESHEET.parent), url_fetcher=fetcher
    ).render(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET), url_fetcher=fetcher)],
        pdf_variant="pdf/ua-1",
    )
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
    return Rendered(pdf=pdf, pages=len(document.pages))


def render(snapshot, *, draft=False):
    return html_to_pdf(print_html(snapshot, draft=draft))
