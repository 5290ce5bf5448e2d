"""Importing people from a staff list (CSV or .xlsx): reading it, saying what it would change,
and making those changes all at once. The People page and `manage.py import_people` both use
it, so a list means the same wherever it is loaded.

A row names one person by email. Importing adds what the list says (a new person, a changed
name or role, posts and committees they now hold) and never takes anything away, so loading
the same list twice changes nothing the second time.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat

from plans.excel import formats
from plans.excel.errors import ImportFileError
from plans.excel.headers import header_key
from plans.excel.read import cell_text, open_workbook, split_list
from plans.models import Committee, Post, normalise_label
from tracker import roles
from tracker.models import User

# Field -> the headings staff lists use for it, compared through header_key (case, spacing,
# punctuation and bracketed asides do not matter), as the action importer compares its own.
SYNONYMS = {
    "name": ["name", "full name", "display name", "staff name", "employee name", "person"],
    "first_name": ["first name", "forename", "forenames", "given name", "known as"],
    "last_name": ["last name", "surname", "family name"],
    "email": ["email", "email address", "e-mail", "work email", "mail"],
    "role": ["role", "tracker role", "access", "user type"],
    "posts": ["post", "posts", "posts held", "job title", "job", "position"],
    "committees": ["committee", "committees", "committee membership", "committees sat on"],
}
HEADINGS = {header_key(text): name for name, texts in SYNONYMS.items() for text in texts}
# What people write in the Role column -> the role. Compared as header_key too.
ROLE_WORDS = {
    header_key(text): role
    for role, texts in {
        roles.ADMINISTRATOR: ["administrator", "admin"],
        roles.PERFORMANCE_OFFICER: ["performance officer", "committee clerk", "clerk"],
        roles.LEAD_OFFICER: ["lead officer", "officer", "director", "head of service"],
        roles.COUNCILLOR: ["councillor", "cllr", "member", "elected member"],
    }.items()
    for text in texts
}
MAX_ROWS = 5000  # a council's whole staff list fits many times over
HEADER_ROWS = 10  # the heading row is among the first rows (a title may come before it)


@dataclass
class Row:
    """One person as the list gives them; `number` is the row in the sheet."""

    number: int
    email: str
    first_name: str
    last_name: str
    role: str  # one of roles.ALL, or "" for none given
    posts: list[str] = field(default_factory=list)
    committees: list[str] = field(default_factory=list)


@dataclass
class Preview:
    """What importing the rows would do. Nothing may be imported while `problems` holds any."""

    rows: list[Row]
    problems: list[str]
    new: list[Row]
    changed: list[tuple[Row, list[str]]]  # each row with the changes, in words
    unchanged: list[Row]
    new_posts: list[str]

    @property
    def changes_anything(self):
        return bool(self.new or self.changed)


def read(file, name):
    """The rows of the staff list in `file` (binary, with the file's `name`), and the problems
    found reading them. Raises ImportFileError when the file cannot be read at all, as the
    action importer does (size, damaged or not an .xlsx or CSV)."""
    if formats.is_csv(name):
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
        if size > settings.IMPORT_MAX_BYTES:
            raise ImportFileError(
                f"The file is {filesizeformat(size)}; the largest that can be imported is "
                f"{filesizeformat(settings.IMPORT_MAX_BYTES)}."
            )
        book = formats.open_csv(file, name)
    elif str(name).lower().endswith(".xlsx"):
        book = open_workbook(file, settings.IMPORT_MAX_BYTES)
    else:
        raise ImportFileError("Choose a staff list saved as .xlsx or as a CSV file.")
    try:
        sheet = book[book.sheetnames[0]]
        lines = sheet.iter_rows(values_only=True)
        return _rows(lines)
    finally:
        book.close()


def _rows(lines):
    columns, number = {}, 0
    for number, cells in enumerate(lines, start=1):
        found = {
            i: HEADINGS[header_key(c)] for i, c in enumerate(cells) if header_key(c) in HEADINGS
        }
        if "email" in found.values():
            columns = found
            break
        if number >= HEADER_ROWS:
            break
    if not columns:
        return [], [
            "No heading row naming an Email column was found in the first "
            f"{HEADER_ROWS} rows. Headings read: name (or first name and last name), email, "
            "role, posts, committees."
        ]
    rows, problems = [], []
    heading_row = number
    for number, cells in enumerate(lines, start=heading_row + 1):
        values = {
            name: cell_text(cells[i]) if i < len(cells) else "" for i, name in columns.items()
        }
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(f"The list has more than {MAX_ROWS} people; split it and import each.")
            break
        row, problem = _row(number, values)
        rows.append(row)
        if problem:
            problems.append(problem)
    return rows, problems


def _row(number, values):
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if not (first or last) and values.get("name"):
        first, _, last = values["name"].rpartition(" ")
        if not first:
            first, last = last, ""
    email = values.get("email", "").strip().lower()
    role_text = values.get("role", "")
    role = ROLE_WORDS.get(header_key(role_text), "") if role_text else ""
    row = Row(
        number,
        email,
        first.strip(),
        last.strip(),
        role,
        split_list(values.get("posts", "")),
        split_list(values.get("committees", "")),
    )
    if not email:
        return row, f"Row {number}: no email address given for {first} {last}".rstrip() + "."
    try:
        validate_email(email)
    except ValidationError:
        return row, f"Row {number}: “{email}” is not an email address."
    if role_text and not role:
        return row, (
            f"Row {number}: the role “{role_text}” is not one of " + ", ".join(roles.ALL) + "."
        )
    return row, None


def preview(rows, problems=()):
    """What importing `rows` would do, checked against the people, posts and committees the
    service holds now: duplicates in the list, unknown committees and emails two accounts
    share are problems, naming the row and value."""
    problems = list(problems)
    seen = {}
    for row in rows:
        if row.email and row.email in seen:
            problems.append(
                f"Row {row.number}: the email {row.email} is also on row {seen[row.email]}."
            )
        seen.setdefault(row.email, row.number)
    committees = {normalise_label(c.name): c for c in Committee.objects.all()}
    for row in rows:
        for name in row.committees:
            if normalise_label(name) not in committees:
                problems.append(f"Row {row.number}: there is no committee named “{name}”.")
    people = _people([row.email for row in rows])
    for email, accounts in people.items():
        if len(accounts) > 1:
            number = seen[email]
            problems.append(f"Row {number}: {len(accounts)} people have the email {email}.")
    posts = {normalise_label(p.name): p for p in Post.objects.all()}
    new_posts = sorted(
        {name for row in rows for name in row.posts if normalise_label(name) not in posts},
        key=str.lower,
    )
    new, changed, unchanged = [], [], []
    for row in rows:
        person = people.get(row.email, [None])[0]
        if person is None:
            new.append(row)
            continue
        changes = _changes(person, row, posts, committees)
        (changed.append((row, changes)) if changes else unchanged.append(row))
    return Preview(rows, problems, new, changed, unchanged, new_posts)


def _people(emails):
    """The accounts holding each of `emails` (lower case), compared in lower case: accounts
    made in the admin may have capitals."""
    found = {}
    people = (
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .prefetch_related("groups", "posts", "committees")
    )
    for person in people:
        found.setdefault(person.address, []).append(person)
    return found


def _changes(person, row, posts, committees):
    changes = []
    name = (row.first_name, row.last_name)
    if any(name) and name != (person.first_name, person.last_name):
        changes.append(f"name from {person.get_full_name() or '(none)'} to {' '.join(name)}")
    held_roles = {g.name for g in person.groups.all()} & set(roles.ALL)
    if row.role and held_roles != {row.role}:
        changes.append(f"role from {', '.join(sorted(held_roles)) or '(none)'} to {row.role}")
    held = {p.pk for p in person.posts.all()}
    for name in row.posts:
        post = posts.get(normalise_label(name))
        if post is None or post.pk not in held:
            changes.append(f"now holds {post or name}")
    member = {c.pk for c in person.committees.all()}
    for name in row.committees:
        committee = committees[normalise_label(name)]
        if committee.pk not in member:
            changes.append(f"joins {committee}")
    return changes


def load(found, by=None):
    """Make the changes `found` (a Preview without problems) says, all or none. Returns the
    people added or changed. Each is recorded in the person's history, with `by` as who."""
    if found.problems:
        raise ValueError("A list with problems cannot be imported.")
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
    touched = []
    with transaction.atomic():
        posts = {normalise_label(p.name): p for p in Post.objects.select_for_update()}
        committees = {normalise_label(c.name): c for c in Committee.objects.all()}
        changed = {row.email: words for row, words in found.changed}
        rows = found.new + [row for row, _ in found.changed]
        people = _people([row.email for row in rows])
        for row in rows:
            person = people.get(row.email, [None])[0]
            reason = "Imported from a staff list"
            if person is None:
                person = User(username=row.email, email=row.email)
                person.set_unusable_password()
                reason = "Added from a staff list"
            elif row.email in changed:
                reason += ": " + "; ".join(changed[row.email])
            if any((row.first_name, row.last_name)):
                person.first_name, person.last_name = row.first_name, row.last_name
            person._change_reason = reason
            person._history_user = by
            person.save()
            if row.role:
                person.groups.remove(*groups.values())
                person.groups.add(groups[row.role])
            for name in row.posts:
                key = normalise_label(name)
                if key not in posts:
                    posts[key] = Post.objects.create(name=name.strip())
                posts[key].holders.add(person)
            for name in row.committees:
                committees[normalise_label(name)].members.add(person)
            touched.append(person)
    return touched


def as_data(rows):
    """Rows as plain data, to keep between the preview and the confirmation."""
    return [asdict(row) for row in rows]


def from_data(data):
    return [Row(**item) for item in data]
