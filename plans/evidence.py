"""Checking evidence files before they are stored: size, type by content, and the virus scan.

A file's name is only a claim. The type is read from the first bytes (PDF, PNG, JPEG), from
the entries of the zip container (Word and Excel documents), or from the text decoding cleanly
(plain text and CSV); the name's extension must then agree with what the content is.
"""

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple


PDF = Kind("PDF", "application/pdf", (".pdf",))
PNG = Kind("PNG image", "image/png", (".png",))
JPEG = Kind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
DOCX = Kind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind(
    "Excel workbook",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
TEXT = Kind("text file", "text/plain", (".txt",))
CSV = Kind("CSV file", "text/csv", (".csv",))

ALLOWED = "PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), text (.txt) or CSV"

# Control characters other than tab, line feed and carriage return do not occur in text.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


def sniff(upload):
    """The Kind the file's content shows it to be, or None if it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office(upload)
    return _text(upload, PurePath(upload.name).suffix.lower())


def _office(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _text(upload, suffix):
    data = upload.read()
    upload.seek(0)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.isdisjoint(text):
            return CSV if suffix == ".csv" else TEXT
    return None


def check(upload):
    """The Kind of an uploaded evidence file, after checking its size, its content against
    its name, and (when EVIDENCE_SCANNER names one) a virus scan. Raises ValidationError
    with a message for the person uploading."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            f"The file must be smaller than {filesizeformat(settings.EVIDENCE_MAX_BYTES)}"
        )
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(f"The selected file must be a {ALLOWED}")
    if PurePath(upload.name).suffix.lower() not in kind.extensions:
        raise ValidationError(
            f"The selected file is a {kind.name}, but its name does not end in "
            f"{' or '.join(kind.extensions)}. Rename it, or choose the file you meant"
        )
    if settings.EVIDENCE_SCANNER:
        # The hook may raise ValidationError (infected, say) with a message to show.
        import_string(settings.EVIDENCE_SCANNER)(upload)
        upload.seek(0)
    return kind


def checksum(upload: File) -> str:
    """The SHA-256 of the file's content, as hex: two uploads of the same file match."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
