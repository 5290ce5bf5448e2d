"""Import benchmark: 500 and 5,000 actions × 24 months, against openpyxl's own read as the floor.

    .venv/bin/python bench/bench_import.py            # both sizes
    .venv/bin/python bench/bench_import.py 500        # one size

Each size is timed in each layout: the monthly tracker (a Status and an Update column per
month) and an actions sheet with an updates sheet (one row per action and month, joined by
ref).

Each measurement runs in a fresh process on a fresh SQLite database (DATABASE_URL may point
elsewhere), so peak memory is that process's maximum resident size. Targets: 500 × 24 in
≤ 3 s, 5,000 × 24 in ≤ 20 s and no more than ~5× the floor, peak memory under 300 MB.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(kind, path):
    """Run one measurement and print it as JSON."""
    if kind == "floor":
        import openpyxl

        start = time.perf_counter()
        book = openpyxl.load_workbook(path, read_only=True)
        rows = sum(1 for sheet in book for _ in sheet.iter_rows(values_only=True))
        book.close()
        seconds = time.perf_counter() - start
        extra = {"rows": rows}
    else:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from plans.excel.load import create_plan, load_workbook
        from plans.excel.read import read_workbook
        from plans.models import Update

        plan = create_plan("Benchmark plan")
        start = time.perf_counter()
        result = read_workbook(path, max_bytes=200 * 1024 * 1024)
        read_seconds = time.perf_counter() - start
        load_workbook(plan=plan, result=result, dry_run=False, source=path)
        seconds = time.perf_counter() - start
        extra = {"read": read_seconds, "updates": Update.objects.count()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(json.dumps({"seconds": seconds, "peak_mb": peak, **extra}))


def measure(kind, path, database):
    env = {
        **os.environ,
        "SECRET_KEY": "benchmark",
        "DEBUG": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{database}"),
    }
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def layouts():
    """Layout name -> the function writing a workbook of it (target, actions=, months=)."""
    from tests.file_workbooks import large_updates_workbook
    from tests.workbooks import large_workbook

    return {"monthly": large_workbook, "updates sheet": large_updates_workbook}


def main(sizes):
    print(
        f"{'layout':>14} {'actions × months':>17} {'floor s':>8} {'read s':>7} {'import s':>9} {'× floor':>8} {'peak MB':>8} {'updates':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for layout, write in layouts().items():
            for actions in sizes:
                stem = f"{layout.replace(' ', '-')}-{actions}"
                path = Path(folder) / f"{stem}.xlsx"
                write(path, actions=actions, months=24)
                floor = measure("floor", path, None)
                run = measure("import", path, Path(folder) / f"db-{stem}.sqlite3")
                print(
                    f"{layout:>14} {actions:>10} × 24 {floor['seconds']:>8.2f} {run['read']:>7.2f} "
                    f"{run['seconds']:>9.2f} {run['seconds'] / floor['seconds']:>8.1f} "
                    f"{run['peak_mb']:>8.0f} {run['updates']:>8}"
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main([int(size) for size in sys.argv[1:]] or [500, 5000])
