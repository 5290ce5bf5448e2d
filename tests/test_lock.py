"""The lock files `make install` installs from stay in step with pyproject.toml's ranges: a
dependency added, dropped or given a range its locked version misses means running `make lock`."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "council-action-tracker (pyproject.toml)"
# Each lock file and the optional dependencies ("extras") it adds to the project's own.
LOCKS = {"requirements.lock": [], "requirements-dev.lock": ["dev"]}
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)")


def read_lock(path):
    """{name: version} for every package pinned in a lock file, and the names of those it
    pins because pyproject.toml asks for them (their "# via" notes name the project)."""
    pinned, direct, name = {}, set(), None
    for line in path.read_text().splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match.group(1))
            pinned[name] = Version(match.group(2))
        elif name and line.strip().lstrip("#").strip().removeprefix("via ") == PROJECT:
            direct.add(name)
    return pinned, direct


@pytest.mark.parametrize(("lock", "extras"), LOCKS.items())
def test_the_lock_file_is_in_step_with_pyproject(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    asked = project["dependencies"] + [
        line for extra in extras for line in project["optional-dependencies"][extra]
    ]
    wanted = {canonicalize_name(r.name): r for r in map(Requirement, asked)}
    pinned, direct = read_lock(ROOT / lock)

    problems = []
    for name, requirement in wanted.items():
        if name not in pinned:
            problems.append(f"pyproject.toml asks for {requirement}; {lock} does not pin it")
        elif not requirement.specifier.contains(pinned[name], prereleases=True):
            problems.append(f"{lock} pins {name}=={pinned[name]}, outside {requirement}")
    problems += [
        f"{lock} pins {name} for the project, which pyproject.toml no longer asks for"
        for name in sorted(direct - wanted.keys())
    ]
    assert problems == [], "Run `make lock` to bring the lock files up to date:\n" + "\n".join(
        problems
    )
