"""The history of writes keeps what it shows, bounded: many saves of a big document leave memory flat."""

from __future__ import annotations

import sys
from typing import Any

from casatui.api.client import CasaClient
from casatui.api.models import Item
from casatui.core.session import (
    CUT_MARK,
    DIFF_LINES_AT_MOST,
    HISTORY_AT_MOST,
    LINE_AT_MOST,
    Session,
    make_record,
)

RECORD_AT_MOST = 1_200_000  # bytes: DIFF_LINES_AT_MOST lines of LINE_AT_MOST characters, and their tuples


def deep_size(*roots: Any) -> int:
    """Bytes of the objects reachable from `roots` through containers and instances (each counted once)."""
    seen: set[int] = set()
    stack = list(roots)
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            stack.extend([*obj.keys(), *obj.values()])
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            stack.append(vars(obj))
        elif hasattr(obj, "__dataclass_fields__"):
            stack.extend(getattr(obj, name) for name in obj.__dataclass_fields__)
    return total


def big_document(name: str = "big", namespaces: int = 25_000) -> dict[str, Any]:
    """A kubebackup of about 1 MB as JSON (as the big-document benchmark makes)."""
    return {
        "_id": "6560a0000000000000000001",
        "_etag": "etag-1",
        "name": name,
        "notes": "n" * 100_000,  # one long line of the buffer
        "source": {
            "all_namespaces": False,
            "namespaces": [f"ns-{i:06d}-payments-eu-west-1-prod" for i in range(namespaces)],
        },
    }


def test_a_record_of_a_big_document_is_small_and_shows_the_change() -> None:
    before = big_document()
    after = {**before, "name": "bigger", "_etag": "etag-2"}
    assert deep_size(before) > 1_000_000
    record = make_record("PUT", "kubebackups", before, after, item_id=before["_id"], new_etag="etag-2")
    assert deep_size(record) < 20_000  # a few lines of diff, not the document
    assert record.kind == "changed" and record.old_etag == "etag-1" and record.new_etag == "etag-2"
    assert ("-", '  "name": "big",') in record.diff and ("+", '  "name": "bigger",') in record.diff
    assert record.label == "bigger" and record.lines_cut == 0


def test_a_record_of_a_change_everywhere_stays_under_its_bound() -> None:
    before = big_document()
    after = {  # every namespace renamed, and one long line changed: the diff is as big as the document
        **before,
        "source": {"namespaces": [f"other-{i}" for i in range(25_000)]},
        "notes": "m" * 100_000,
    }
    record = make_record("PATCH", "kubebackups", before, after, item_id=before["_id"])
    assert len(record.diff) == DIFF_LINES_AT_MOST and record.lines_cut > 40_000
    assert all(len(line) <= LINE_AT_MOST + len(CUT_MARK) for _, line in record.diff)
    assert any(line.endswith(CUT_MARK) for _, line in record.diff)  # the 100,000-character notes, cut and marked
    assert deep_size(record) < RECORD_AT_MOST


def test_hostile_labels_and_etags_are_cut() -> None:
    before = {"_id": "x", "_etag": "e" * 10_000, "name": "n" * 1_000_000}
    record = make_record("DELETE", "kubebackups", before, None, item_id="i" * 10_000)
    assert record.kind == "deleted" and record.diff == ()
    assert len(record.label) < 300 and len(record.old_etag) < 300 and len(record.item_id) < 300
    assert record.label.endswith(CUT_MARK)


def test_the_history_keeps_the_newest_writes_only() -> None:
    session = Session(CasaClient("http://127.0.0.1:9/api/v1", "token-not-used-0123456789"))
    document = {"_id": "abc", "_etag": "e0", "name": "n0", "value": 0}
    for number in range(HISTORY_AT_MOST + 25):
        after = {**document, "_etag": f"e{number + 1}", "value": number + 1}
        session.record_write("PATCH", "kubebackups", document, Item("kubebackups", after, f"e{number + 1}"))
        document = after
    assert len(session.writes) == HISTORY_AT_MOST and session.writes_dropped == 25
    assert session.writes[0].old_etag == "e25"  # the oldest kept: writes 1..25 were dropped
    assert session.writes[-1].new_etag == f"e{HISTORY_AT_MOST + 25}"
    assert ("+", f'  "value": {HISTORY_AT_MOST + 25}') in session.writes[-1].diff
