"""What WeasyPrint may fetch while it renders a report: the project's static files and data:
URIs, and nothing else, whatever ever reaches the report's HTML."""

import base64
import http.server
import io
import threading

import pypdf
import pytest
from django.conf import settings

from reports import pdf

STATIC_PNG = (
    settings.BASE_DIR / "node_modules/govuk-frontend/dist/govuk/assets/images/govuk-icon-180.png"
)


@pytest.fixture
def web():
    """A web server on this machine that notes every path asked of it."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            body = STATIC_PNG.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()


def images_in(rendered):
    return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages)


def document(*images):
    tags = "".join(f'<img src="{src}" alt="">' for src in images)
    return f'<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>{tags}</body></html>'


def test_a_report_fetches_no_file_outside_static_and_no_web_address(web, tmp_path, caplog):
    address, asked = web
    private = tmp_path / "private.png"
    private.write_bytes(STATIC_PNG.read_bytes())
    html = document(
        "file:///etc/passwd",
        private.as_uri(),
        f"{address}/tracker.png",
        "https://127.0.0.1:1/elsewhere.png",
    ).replace("</head>", f'<link rel="stylesheet" href="{address}/evil.css"></head>')
    rendered = pdf.html_to_pdf(html)
    assert asked == []
    assert images_in(rendered) == 0
    refused = [r.getMessage() for r in caplog.records if r.name == "reports.pdf"]
    assert any("/etc/passwd" in message for message in refused)
    assert any(str(private) in message for message in refused)
    assert any(f"{address}/tracker.png" in message for message in refused)


def test_a_report_still_uses_static_files_and_data_uris(tmp_path):
    inline = "data:image/png;base64," + base64.b64encode(STATIC_PNG.read_bytes()).decode()
    assert images_in(pdf.html_to_pdf(document(STATIC_PNG.as_uri(), inline))) == 2


def test_a_path_climbing_out_of_static_is_refused(tmp_path):
    climbing = STATIC_PNG.parent.as_uri() + "/../../../../../../../../etc/passwd"
    assert pdf.ReportFetcher().allows(climbing) is False
    assert pdf.ReportFetcher().allows(STATIC_PNG.as_uri()) is True
