"""Documents no well-behaved server would send, for the app to survive: huge, deep, strange text, markup."""

from __future__ import annotations

from typing import Any

ODD_TEXTS = [
    "مرحبا بالعالم — نسخ احتياطي فشل",  # right to left
    "backup ✅🔥💾 done 👍🏽",  # emoji, with a skin-tone modifier
    "Ñ̃o̸ñ combining ma\u0301rks",  # combining marks
    "control\x01\x07\x1b[31mchars\x00NUL",  # control characters, an ANSI escape, NUL
    "[bold red]not markup[/] [link=file:///etc/passwd]x[/link] [/]",  # Rich markup
    "\u202eRTL override\u202c and zero\u200bwidth",  # bidi override, zero-width space
]


def nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"leaf": "bottom"}
    for level in range(depth):
        node = {f"level{level}": node}
    return node


def odd_job(index: int, **extra: Any) -> dict[str, Any]:
    text = ODD_TEXTS[index % len(ODD_TEXTS)]
    return {
        "_id": f"{index:024x}",
        "_etag": f"{index:040x}",
        "_created": "Sat, 28 Nov 2026 20:00:00 GMT",
        "_updated": "Sat, 28 Nov 2026 20:00:00 GMT",
        "name": text,
        "display_name": text,
        "type": "K8S_SNAP",
        "state": "FAILED" if index % 2 else "[blink]RUNNING",
        "cluster_name": text[::-1],
        "start_time": 1_795_890_000 - index,
        "message": text * 3,
        **extra,
    }


def odd_jobs() -> list[dict[str, Any]]:
    jobs = [odd_job(i) for i in range(len(ODD_TEXTS))]
    jobs.append(odd_job(90, message="x" * 1_000_000))  # a 1 MB string
    jobs.append(odd_job(91, deep=nested(100)))  # 100 levels of nesting
    jobs.append(odd_job(92, **{"[bold]key[/]": "[/]", "status": {"state": "[i]odd"}}))
    return jobs


def listing(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"_items": items, "_meta": {"page": 1, "max_results": 100, "total": len(items)},
            "_links": {"self": {"href": "jobs", "title": "jobs"}}}  # fmt: skip


def big_document(megabytes: int = 5) -> dict[str, Any]:
    """A kubebackup-like document of about `megabytes` MB (many namespaces and labels)."""
    namespaces = [f"namespace-{i:06d}-" + "x" * 40 for i in range(megabytes * 1024 * 1024 // 60)]
    return {"_id": "0" * 23 + "1", "_etag": "e" * 40, "_created": "Sat, 28 Nov 2026 20:00:00 GMT",
            "_updated": "Sat, 28 Nov 2026 20:00:00 GMT", "name": "huge-backup", "cluster": "0" * 24,
            "source": {"namespaces": namespaces}, "pause": False}  # fmt: skip
