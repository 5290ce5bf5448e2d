"""Evidence files: type by content, size limit, virus-scan hook, private storage, and serving
only through a view that asks the permission policy."""

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plans import evidence
from plans.models import Evidence, Round, Update
from plans.vocabulary import status_matcher
from tests import factories

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


def zipped(*names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


def workbook():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("minutes.pdf", PDF, evidence.PDF),
        ("photo.png", PNG, evidence.PNG),
        ("photo.JPG", JPEG, evidence.JPEG),
        ("photo.jpeg", JPEG, evidence.JPEG),
        ("strategy.docx", zipped("[Content_Types].xml", "word/document.xml"), evidence.DOCX),
        ("measures.xlsx", workbook(), evidence.XLSX),
        ("notes.txt", "Signed off by Cabinet – 12 March".encode(), evidence.TEXT),
        ("figures.csv", b"month,value\r\nJan,12\r\n", evidence.CSV),
        ("legacy.csv", "Caf\xe9,\xa3120\n".encode("cp1252"), evidence.CSV),
    ],
)
def test_allowed_files_are_recognised_by_their_content(name, content, kind):
    assert evidence.check(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 50, "must be a PDF, PNG"),
        ("minutes.pdf", b"<html><script>alert(1)</script></html>", "is a text file, but"),
        ("photo.pdf", PNG, "is a PNG image, but its name does not end in .png"),
        ("strategy.docx", zipped("[Content_Types].xml", "evil.sh"), "must be a PDF, PNG"),
        ("archive.docx", zipped("word/document.xml"), "must be a PDF, PNG"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "must be a PDF, PNG"),
        ("empty.txt", b"", "The selected file is empty"),
        ("binary.txt", b"text\x00with a NUL", "must be a PDF, PNG"),
    ],
)
def test_other_files_are_refused_whatever_their_name(name, content, message):
    with pytest.raises(ValidationError, match=message):
        evidence.check(upload(name, content))


def test_files_over_the_limit_are_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="smaller than 10"):
        evidence.check(upload("minutes.pdf", PDF))


scanned = []


def refuse_infected(file):
    """A stand-in for a virus scanner: refuses files containing the EICAR marker."""
    scanned.append(file.name)
    if b"EICAR" in file.read():
        raise ValidationError("The file contains a virus")


def test_the_virus_scan_hook_sees_each_file_before_it_is_saved(settings):
    settings.EVIDENCE_SCANNER = f"{__name__}.refuse_infected"
    scanned.clear()
    assert evidence.check(upload("clean.txt", b"fine")) == evidence.TEXT
    with pytest.raises(ValidationError, match="contains a virus"):
        evidence.check(upload("notes.txt", b"X5O!P%@AP EICAR-STANDARD-ANTIVIRUS-TEST-FILE"))
    assert scanned == ["clean.txt", "notes.txt"]


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


@pytest.fixture
def action(plan, people):
    Round.objects.create(plan=plan, month=datetime.date(2024, 2, 1), due=datetime.date(2024, 3, 8))
    return factories.action(plan, "OC.A2.1", lead="Head of HR")


def post_closed(client, action, file):
    closed = status_matcher(action.plan.statuses.all())("Closed")
    return client.post(
        reverse("plans:update", args=[action.plan.slug, action.ref, 2024, 2]),
        {
            "version": 0,
            "status": closed.pk,
            "narrative": "Adopted by Cabinet.",
            "evidence_file": file,
            "evidence_description": "Cabinet minutes",
        },
    )


@time_machine.travel(datetime.datetime(2024, 2, 20, tzinfo=datetime.UTC), tick=False)
def test_an_uploaded_file_is_stored_privately_and_served_through_the_policy(
    action, media, client_for
):
    response = post_closed(client_for("lead"), action, upload("Cabinet minutes.pdf", PDF))
    assert response.status_code == 302
    item = Evidence.objects.get()
    assert (item.filename, item.content_type, item.size) == (
        "Cabinet minutes.pdf",
        "application/pdf",
        len(PDF),
    )
    stored = Path(item.file.path)
    assert stored.is_relative_to(media) and stored.read_bytes() == PDF
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert "Cabinet" not in stored.name  # a random name, nothing the user typed
    url = item.get_absolute_url()
    download = client_for("councillor").get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    assert client_for("anonymous").get(url).status_code == 302


@time_machine.travel(datetime.datetime(2024, 2, 20, tzinfo=datetime.UTC), tick=False)
def test_a_refused_file_shows_its_error_next_to_the_field_and_saves_nothing(
    action, media, client_for
):
    response = post_closed(client_for("lead"), action, upload("minutes.pdf", b"MZ\x90\x00"))
    page = response.content.decode()
    assert 'href="#id_evidence_file"' in page
    assert 'id="id_evidence_file_1_error"' in page
    assert not Update.objects.exists() and not Evidence.objects.exists()
    assert list(media.iterdir()) == []


def test_evidence_of_an_update_awaiting_sign_off_is_hidden_from_councillors(
    action, media, client_for, people
):
    update = factories.update(action, "2024-01", "On track")
    item = Evidence.objects.create(
        update=update, file=SimpleUploadedFile("a.pdf", PDF), content_type="application/pdf"
    )
    Update.objects.filter(pk=update.pk).update(approval=Update.Approval.SUBMITTED)
    assert client_for("councillor").get(item.get_absolute_url()).status_code == 404
    assert client_for("lead").get(item.get_absolute_url()).status_code == 200


def test_a_link_is_not_served_as_a_file(action, client_for):
    update = factories.update(action, "2024-01", "On track")
    item = Evidence.objects.create(update=update, link="https://example.org/report")
    assert client_for("clerk").get(item.get_absolute_url()).status_code == 404


def post_link(client, action, link, narrative="Adopted by Cabinet.", version=0):
    closed = status_matcher(action.plan.statuses.all())("Closed")
    return client.post(
        reverse("plans:update", args=[action.plan.slug, action.ref, 2024, 2]),
        {"version": version, "status": closed.pk, "narrative": narrative, "evidence_link": link},
        follow=True,
    )


@time_machine.travel(datetime.datetime(2024, 2, 20, tzinfo=datetime.UTC), tick=False)
def test_sending_the_same_file_again_stores_one_copy_and_says_so(action, media, client_for):
    client = client_for("lead")
    for _ in range(3):  # the form sent three times: a double click, then the back button
        response = post_closed(client, action, upload("Cabinet minutes.pdf", PDF))
        assert response.status_code == 302
    assert Evidence.objects.count() == 1
    assert len(list(media.rglob("*.pdf"))) == 1
    page = client.get(response.url).content.decode()
    assert "“Cabinet minutes.pdf” was already attached, so it was not added again." in page
    # The same content under another name is the same file; a different file is added.
    post_closed(client, action, upload("minutes (1).pdf", PDF))
    post_closed(client, action, upload("Appendix.pdf", PDF + b"%appendix\n"))
    assert list(Evidence.objects.values_list("filename", flat=True)) == [
        "Cabinet minutes.pdf",
        "Appendix.pdf",
    ]


@time_machine.travel(datetime.datetime(2024, 2, 20, tzinfo=datetime.UTC), tick=False)
def test_giving_the_same_link_again_adds_it_once(action, client_for):
    client = client_for("lead")
    post_link(client, action, "https://example.org/minutes")
    page = post_link(client, action, "https://example.org/minutes", "Adopted in full.", 1)
    assert "“https://example.org/minutes” was already attached" in page.content.decode()
    assert Update.objects.get().narrative == "Adopted in full."
    assert Evidence.objects.count() == 1
