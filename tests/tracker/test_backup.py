"""The backup and restore procedure in docs/deploy.md, run for real on the suite's database:
write data, dump it, restore into a fresh database, compare every table row for row."""

import io
import shutil
import sqlite3
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection

from plans.models import Action, Update


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    assert Action.objects.exists() and Update.objects.exists()


def tables():
    return sorted(connection.introspection.table_names())


def sqlite_rows(conn, table):
    return conn.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite procedure")
def test_sqlite_backup_restores_every_row(demo, tmp_path):
    target = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    # What `sqlite3 db ".backup file"` does, through the same SQLite online backup API.
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    # Read back with the same type detection as Django's own connection, to compare like with like.
    with sqlite3.connect(
        target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    ) as restored:
        for table in tables():
            assert sqlite_rows(restored, table) == sqlite_rows(connection.connection, table), table


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL procedure")
def test_postgresql_dump_and_restore_gives_every_row_back(demo, tmp_path):
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump and pg_restore are not installed")
    import psycopg

    settings = connection.settings_dict
    base = f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} user={settings['USER']}"
    if settings["PASSWORD"]:
        base += f" password={settings['PASSWORD']}"
    dump = tmp_path / "tracker.dump"
    restored_name = f"{settings['NAME']}_restored"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", f"{base} dbname={settings['NAME']}"],
        check=True,
    )
    with psycopg.connect(f"{base} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={base} dbname={restored_name}", str(dump)],
            check=True,
        )
        digest = "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{}\" t"
        with (
            psycopg.connect(f"{base} dbname={restored_name}") as restored,
            connection.cursor() as cursor,
        ):
            for table in tables():
                cursor.execute(digest.format(table))
                assert restored.execute(digest.format(table)).fetchone() == cursor.fetchone(), table
    finally:
        with psycopg.connect(f"{base} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
