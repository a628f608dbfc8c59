"""What the package says of itself holds: the Python versions its classifiers name are the ones requires-python
admits and CI tests."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def minors() -> list[int]:
    """The 3.X versions the classifiers name, in order."""
    found = [re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", c) for c in PROJECT["classifiers"]]
    return sorted(int(match.group(1)) for match in found if match)


def test_the_classifiers_name_every_version_from_requires_python_on() -> None:
    oldest = re.fullmatch(r">=3\.(\d+)", PROJECT["requires-python"])
    assert oldest, PROJECT["requires-python"]
    assert minors() == list(range(int(oldest.group(1)), minors()[-1] + 1))
    assert "Programming Language :: Python :: 3 :: Only" in PROJECT["classifiers"]


def test_ci_tests_every_version() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    tested = re.search(r"^SUPPORTED=\((.*)\)$", ci, re.MULTILINE)
    assert tested, "no SUPPORTED in .ci/run"
    assert tested.group(1).split() == [f"3.{minor}" for minor in minors()]
