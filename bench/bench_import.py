"""Import benchmark: 500 and 5,000 actions × 24 months, and 5,000 actions × 24 quarters
("Q1 2023/24 Status" / "Q1 2023/24 Commentary"), against openpyxl's own read as the floor.

    .venv/bin/python bench/bench_import.py                      # every layout and size
    .venv/bin/python bench/bench_import.py 500                  # one size, monthly
    .venv/bin/python bench/bench_import.py --layout quarterly 5000
    .venv/bin/python bench/bench_import.py --layout updates-sheet 5000

Layouts: the monthly tracker (a Status and an Update column per month), the quarterly one, and
an actions sheet with an updates sheet (one row per action and month, joined by ref).

Each measurement runs in a fresh process on a fresh SQLite database (DATABASE_URL may point
elsewhere), so peak memory is that process's maximum resident size. Targets: 500 × 24 in
≤ 3 s, 5,000 × 24 in ≤ 20 s and no more than ~5× the floor (3× for the quarterly and updates-sheet layouts),
peak memory under 300 MB.
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


def quarterly_workbook(target, actions=5000, quarters=24):
    """A quarterly monitoring plan: Tasks, Service Team, Task Officer and a "Qn YYYY/YY
    Status" / "Qn YYYY/YY Commentary" pair for each of `quarters` quarters from Q1 2020/21,
    streamed to `target`."""
    from openpyxl import Workbook

    labels = [f"Q{n % 4 + 1} {2020 + n // 4}/{(21 + n // 4) % 100:02d}" for n in range(quarters)]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    sheet.append(["Service action plan: quarterly monitoring"])
    header = ["Ref", "Tasks", "Service Team", "Task Officer", "Quarter for completion", "Outcomes"]
    for label in labels:
        header += [f"{label} Status", f"{label} Commentary"]
    sheet.append(header)
    for number in range(actions):
        row = [f"S{number // 500}.{number}", f"Deliver task {number}", f"Team {number % 12}",
               f"Officer {number % 40}", number % 12 + 1, "Residents notice the difference"]  # fmt: skip
        for label in labels:
            row += ["In progress", f"Progress {number} in {label}"]
        sheet.append(row)
    workbook.save(target)


def monthly_workbook(target, actions):
    from tests.workbooks import large_workbook

    large_workbook(target, actions=actions, months=24)


def updates_sheet_workbook(target, actions):
    """An actions sheet and an updates sheet (one row per action and month, joined by ref)."""
    from tests.file_workbooks import large_updates_workbook

    large_updates_workbook(target, actions=actions, months=24)


# Layout -> (what its 24 periods are, the builder writing it with a given number of actions).
LAYOUTS = {
    "monthly": ("months", monthly_workbook),
    "quarterly": ("quarters", quarterly_workbook),
    "updates-sheet": ("months", updates_sheet_workbook),
}


def main(runs):
    print(
        f"{'layout':>10} {'actions × periods':>22} {'floor s':>8} {'read s':>7} {'import s':>9} "
        f"{'× floor':>8} {'peak MB':>8} {'updates':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for layout, actions in runs:
            periods, write = LAYOUTS[layout]
            path = Path(folder) / f"{layout}-{actions}.xlsx"
            write(path, actions)
            floor = measure("floor", path, None)
            run = measure("import", path, Path(folder) / f"db-{layout}-{actions}.sqlite3")
            print(
                f"{layout:>10} {actions:>10} × 24 {periods:<8} {floor['seconds']:>8.2f} "
                f"{run['read']:>7.2f} {run['seconds']:>9.2f} "
                f"{run['seconds'] / floor['seconds']:>8.1f} {run['peak_mb']:>8.0f} {run['updates']:>8}"
            )


def runs_asked(arguments):
    """[(layout, actions)] from the command line; every layout when none is named."""
    layout = None
    if arguments[:1] == ["--layout"]:
        layout, arguments = arguments[1], arguments[2:]
    sizes = [int(size) for size in arguments]
    if layout is not None:
        return [(layout, size) for size in sizes or [5000]]
    if sizes:
        return [("monthly", size) for size in sizes]
    return [("monthly", 500), ("monthly", 5000), ("quarterly", 5000), ("updates-sheet", 5000)]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main(runs_asked(sys.argv[1:]))
