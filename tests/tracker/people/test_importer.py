"""The staff-list importer: headings read loosely, refusals naming the row and value, all or
nothing, and a second import of the same list changing nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from plans.models import Committee, Post
from tracker import roles
from tracker.models import User
from tracker.people import importer

HEADINGS = "Full Name,E-mail Address,Role,Job title (post),Committees\n"


def csv_file(text, name="staff.csv"):
    file = io.BytesIO(text.encode())
    file.name = name
    return file


def run(text):
    rows, problems = importer.read(csv_file(text), "staff.csv")
    return importer.preview(rows, problems)


@pytest.fixture
def audit(db):
    return Committee.objects.create(name="Audit Committee", slug="audit")


def test_headings_are_read_loosely_and_people_posts_committees_are_made(audit):
    found = run(
        HEADINGS + "Jo Bloggs,Jo.Bloggs@Example.org,Lead officer,Head of HR;Head of Policy,"
        "audit committee\nSam Smith,sam@example.org,Councillor,,\n"
    )
    assert found.problems == []
    assert [row.email for row in found.new] == ["jo.bloggs@example.org", "sam@example.org"]
    assert found.new_posts == ["Head of HR", "Head of Policy"]
    importer.load(found)
    jo = User.objects.get(email="jo.bloggs@example.org")
    assert (jo.first_name, jo.last_name, jo.username) == ("Jo", "Bloggs", "jo.bloggs@example.org")
    assert not jo.has_usable_password()
    assert list(jo.groups.values_list("name", flat=True)) == [roles.LEAD_OFFICER]
    assert sorted(jo.posts.values_list("name", flat=True)) == ["Head of HR", "Head of Policy"]
    assert list(audit.members.all()) == [jo]
    assert jo.history.first().history_change_reason == "Added from a staff list"


def test_first_and_last_name_columns_and_an_xlsx_file(db):
    book = Workbook()
    sheet = book.active
    sheet.append(["Staff list, December"])
    sheet.append(["Forename", "Surname", "Email", "Tracker role", "Posts held"])
    sheet.append(["Ann", "Other", "ann@example.org", "Admin", "Head of IT"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    rows, problems = importer.read(data, "staff.xlsx")
    assert problems == []
    assert [(r.number, r.first_name, r.last_name, r.role, r.posts) for r in rows] == [
        (3, "Ann", "Other", roles.ADMINISTRATOR, ["Head of IT"])
    ]


def test_reimporting_the_same_list_changes_nothing(audit):
    text = HEADINGS + "Jo Bloggs,jo@example.org,Lead officer,Head of HR,Audit Committee\n"
    importer.load(run(text))
    versions = User.objects.get().history.count()
    again = run(text)
    assert again.new == [] and again.changed == [] and len(again.unchanged) == 1
    assert not again.changes_anything
    assert again.new_posts == []
    assert User.objects.get().history.count() == versions


def test_a_changed_role_and_a_new_post_are_previewed_as_changes(db):
    importer.load(run(HEADINGS + "Jo Bloggs,jo@example.org,Lead officer,Head of HR,\n"))
    found = run(HEADINGS + "Jo Bloggs,jo@example.org,Performance officer,Head of HR;Clerk,\n")
    [(row, changes)] = found.changed
    assert changes == [
        f"role from {roles.LEAD_OFFICER} to {roles.PERFORMANCE_OFFICER}",
        "now holds Clerk",
    ]
    importer.load(found)
    jo = User.objects.get()
    assert list(jo.groups.values_list("name", flat=True)) == [roles.PERFORMANCE_OFFICER]
    assert "role from" in jo.history.first().history_change_reason


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ("Jo Bloggs,jo@example.org,Chief,,\n", "Row 2: the role “Chief” is not one of"),
        ("Jo Bloggs,,Lead officer,,\n", "Row 2: no email address given for Jo Bloggs."),
        ("Jo Bloggs,jo-at-example,Lead officer,,\n", "Row 2: “jo-at-example” is not an email"),
        (
            "Jo Bloggs,jo@example.org,,,\nJo B,JO@example.org,,,\n",
            "Row 3: the email jo@example.org is also on row 2.",
        ),
        ("Jo Bloggs,jo@example.org,,,Scrutiny\n", "Row 2: there is no committee named “Scrutiny”."),
    ],
)
def test_bad_rows_are_refused_naming_row_and_value(db, rows, problem):
    found = run(HEADINGS + rows + "Sam Smith,sam@example.org,Councillor,Head of HR,\n")
    assert any(p.startswith(problem) for p in found.problems), found.problems
    with pytest.raises(ValueError):
        importer.load(found)
    assert not User.objects.exists()
    assert not Post.objects.exists()


def test_a_list_without_an_email_heading_is_refused(db):
    found = run("Name,Role\nJo,Councillor\n")
    assert found.problems and "Email column" in found.problems[0]


def test_the_import_is_all_or_nothing(db, monkeypatch):
    found = run(HEADINGS + "Jo Bloggs,jo@example.org,,Head of HR,\nSam Smith,sam@example.org,,,\n")
    real_save = User.save

    def fail_on_sam(self, *args, **kwargs):
        if self.email == "sam@example.org":
            raise RuntimeError("database went away")
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(User, "save", fail_on_sam)
    with pytest.raises(RuntimeError):
        importer.load(found)
    assert not User.objects.exists()
    assert not Post.objects.exists()


def test_command_dry_run_writes_nothing_then_imports(db, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADINGS + "Jo Bloggs,jo@example.org,Lead officer,Head of HR,\n")
    out = io.StringIO()
    call_command("import_people", str(path), "--dry-run", stdout=out)
    assert "Dry run, nothing written: 1 new" in out.getvalue()
    assert not User.objects.exists() and not Post.objects.exists()
    call_command("import_people", str(path), stdout=out)
    assert User.objects.get().posts.get().name == "Head of HR"
    out = io.StringIO()
    call_command("import_people", str(path), stdout=out)
    assert "No changes (0 new, 0 changed, 1 unchanged" in out.getvalue()


def test_command_refuses_a_bad_list_naming_the_row(db, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(HEADINGS + "Jo Bloggs,jo@example.org,Chief,,\n")
    with pytest.raises(CommandError, match="Row 2: the role “Chief”"):
        call_command("import_people", str(path), stdout=io.StringIO())
    assert not User.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError, match="not an Excel .xlsx workbook"):
        call_command("import_people", str(path), stdout=io.StringIO())
