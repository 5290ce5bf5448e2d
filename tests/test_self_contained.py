"""A fresh clone has nothing beside it: nothing in the repository may read files outside it."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A path that climbs out of the checkout to the folder beside it, however it is spelled.
OUTSIDE = re.compile(
    r"\.\./shared|parents\[\d+\]\s*/\s*[\"']shared[\"']|[\"']\.\.[\"']\s*,\s*[\"']shared"
)


def test_no_tracked_file_reads_outside_the_repository():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".toml", ".cfg", ".json", ".sh", ".yml", ".yaml", ""}:
            continue
        if not path.is_file():
            continue
        text = path.read_text(errors="ignore")
        offenders += [f"{name}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert offenders == []


def test_the_sample_workbook_travels_with_the_tests():
    from tests import workbooks

    assert workbooks.SAMPLE.is_relative_to(ROOT)
    assert workbooks.SAMPLE.stat().st_size > 0


def test_no_test_depends_on_the_benchmarks():
    imports_bench = re.compile(r"^\s*(from|import)\s+bench\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if imports_bench.search(path.read_text())
    ]
    assert offenders == []
