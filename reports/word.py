"""The report as an editable Word document, for committee systems and clerks' templates.

It is made from the very HTML the PDF is printed from (reports/print.html), so the two never
say different things: headings become Word headings, tables Word tables (header rows repeated
on each page, captions kept as the table's title), lists Word lists, and the charts PNG images
carrying the PDF's alt text. The contents list is left to Word's navigation pane, as its page
numbers are the PDF's; the appendix gets landscape pages as in the PDF.
"""

import base64
import io
import re

import cairosvg
import docx
import lxml.html
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import pdf

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Charts are drawn at twice the width they print, so they stay sharp when zoomed.
CHART_WIDTH_MM = 160
CHART_PIXELS = 1600
BLOCKS = {"p", "ul", "ol", "table", "figure", "img", "dl", "h1", "h2", "h3", "h4", "h5", "h6"}


def render(snapshot, *, draft=False):
    """The .docx bytes of the report in `snapshot`; with `draft`, opening with the draft mark,
    as the draft PDF does."""
    return from_html(pdf.print_html(snapshot, draft=draft))


def from_html(html):
    page = lxml.html.document_fromstring(html)
    document = docx.Document()
    _setup(document, page)
    _Writer(document).children(page.body)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _setup(document, page):
    properties = document.core_properties
    properties.title = _text(page.find(".//title"))
    properties.author = page.xpath("string(//meta[@name='author']/@content)")
    properties.subject = page.xpath("string(//meta[@name='description']/@content)")
    properties.keywords = page.xpath("string(//meta[@name='keywords']/@content)")
    properties.language = page.get("lang", "en-GB")
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(16)
    document.styles["Normal"].font.size = Pt(10)


def _classes(element):
    return set((element.get("class") or "").split())


def _hidden(element):
    return "govuk-visually-hidden" in _classes(element) or element.get("aria-hidden") == "true"


def _text(element):
    """The element's words, one line per <br>, blank space as a reader sees it."""
    if element is None:
        return ""
    parts = []

    def walk(node):
        if (
            node.tag == "br"
            or isinstance(node.tag, str)
            and node.tag in ("p", "li", "div")
            and parts
        ):
            parts.append("\n")
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and not _hidden(child):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    lines = [re.sub(r"\s+", " ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


class _Writer:
    def __init__(self, document):
        self.document = document

    def children(self, element):
        for child in element:
            if isinstance(child.tag, str) and not _hidden(child):
                self.block(child)

    def block(self, element):
        tag, classes = element.tag, _classes(element)
        if tag == "nav":
            return  # the contents: Word's navigation pane lists the headings
        if "app-report__appendix" in classes:
            self.landscape()
        elif "app-report__section--new-page" in classes or "app-report__cover" in classes:
            self.page_break()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.document.add_heading(_text(element), level=min(int(tag[1]), 4))
        elif tag == "p":
            self.paragraph(element)
        elif tag in ("ul", "ol"):
            style = "List Number" if tag == "ol" else "List Bullet"
            for item in element.findall("li"):
                self.paragraph(item, style=style)
        elif tag == "dl":
            for term in element.findall("dt"):
                value = term.getnext()
                para = self.document.add_paragraph()
                para.add_run(_text(term) + ": ").bold = True
                para.add_run(_text(value))
        elif tag == "table":
            self.table(element)
        elif tag == "img":
            self.image(element)
        elif any(child.tag in BLOCKS for child in element if isinstance(child.tag, str)):
            self.children(element)
        elif _text(element):
            self.paragraph(element)

    def paragraph(self, element, style=None):
        text = _text(element)
        if not text:
            return
        para = self.document.add_paragraph(style=style)
        bold = {_text(strong) for strong in element.findall(".//strong")}
        for number, line in enumerate(text.split("\n")):
            if number:
                para.add_run().add_break(WD_BREAK.LINE)
            # A lead-in in bold ("Community: 3 of 4 …") stays bold.
            lead = next((b for b in bold if b and line.startswith(b)), None)
            if lead:
                para.add_run(lead).bold = True
                line = line[len(lead) :]
            para.add_run(line)

    def table(self, element):
        head = [r for r in element.xpath("./thead/tr")]
        body = [r for r in element.xpath("./tbody/tr | ./tr")]
        rows = head + body
        if not rows:
            return
        width = max(len(row.xpath("./th | ./td")) for row in rows)
        caption = element.find("caption")
        if caption is not None and not _hidden(caption):
            self.document.add_paragraph(_text(caption), style="Caption")
        table = self.document.add_table(rows=len(rows), cols=width, style="Table Grid")
        for row, source in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, source.xpath("./th | ./td"), strict=False):
                cell.text = _text(value)
                if value.tag == "th":
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        _full_width(table)
        for row in table.rows[: len(head)]:
            _repeat_header(row)
        if caption is not None:
            _caption(table, _text(caption))

    def image(self, element):
        src = element.get("src", "")
        prefix = "data:image/svg+xml;base64,"
        if not src.startswith(prefix):
            return
        png = cairosvg.svg2png(
            bytestring=base64.b64decode(src[len(prefix) :]), output_width=CHART_PIXELS
        )
        shape = self.document.add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
        alt = element.get("alt", "")
        # Word's "alt text" is the drawing's description.
        shape._inline.docPr.set("descr", alt)
        shape._inline.docPr.set("title", alt.split(". ")[0])

    def page_break(self):
        if len(self.document.paragraphs) > 0:
            self.document.add_page_break()

    def landscape(self):
        section = self.document.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)


def _full_width(table):
    """The table across the page's width, its columns sized by Word to their contents."""
    width = table._tbl.tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        table._tbl.tblPr.append(width)
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    table.autofit = True


def _repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _caption(table, text):
    """The table's title, which screen readers announce (Word's table alt text)."""
    properties = table._tbl.tblPr
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), text[:250])
    properties.append(caption)
