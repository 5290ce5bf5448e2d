"""Why an import stops, shared by both importers (plans/excel/ and plans/measures/workbook.py)
and the job runner, so none of them needs to import another to catch them."""

from typing import Any


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the person importing."""


class ImportBlocked(Exception):
    """The import cannot go ahead: errors in the workbook, or status words not yet mapped."""

    def __init__(self, preview: Any) -> None:
        super().__init__("The import has errors or unmapped statuses; nothing was written.")
        self.preview = preview


class PreviewStale(ImportBlocked):
    """The plan changed in the app since the preview, so the import would not do what the
    preview showed; nothing was written. `preview` is what it would do now; `changes` says in
    words what changed."""

    def __init__(self, preview: Any, changes: list[str]) -> None:
        super().__init__(preview)
        self.changes = changes

    @property
    def reason(self) -> str:
        """What changed, as it follows "Nothing was imported: "."""
        return "since the preview was made, " + "; ".join(self.changes)
