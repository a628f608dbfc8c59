"""An editor for `casatui edit`'s tests: `python scripted_editor.py PLAN FILE` does the plan's next step to FILE.

PLAN is a JSON file: {"steps": [step, ...], "server": {"root", "token", "collection", "id"}}. Each call is the next
step (a counter file beside PLAN), and leaves in PLAN's directory what it saw (`seen-N.txt`, `mode-N.json`: the
file's and its directory's modes and the file's path) and what it wrote (`wrote-N.txt`). A step, in this order:
  wait: true                    write `ready` beside PLAN, then wait until the test writes `go` there
  server_patch: {field: value}  PATCH the document on the server first (with its current etag), as someone else
  server_delete: true           DELETE the document on the server first, as someone else
  keep: true                    leave the file as it is
  to_directory: true            put a directory where the file was
  write: "text"                 write this text, whatever the file held
  fix: true                     start from the text saved by an earlier `break` (notes dropped)
  strip_notes: true             drop casatui's `// casatui:` lines
  set: {field: value}           parse the text (notes dropped) and set fields
  break: true                   drop the first comma at a line's end (the text without the fault is kept)
  keep_notes: true              put the `// casatui:` lines the file had back on top of what is written
  exit: N                       exit with status N (default 0)
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import time
from pathlib import Path

import httpx

NOTES = re.compile(r"^[ \t]*// casatui:.*\n", re.MULTILINE)


def main(plan_path: Path, file: Path) -> int:
    folder = plan_path.parent
    plan = json.loads(plan_path.read_text())
    counter = folder / "count"
    number = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(number))
    step = plan["steps"][number - 1]
    seen = file.read_text()
    (folder / f"seen-{number}.txt").write_text(seen)
    modes = {"file": stat.S_IMODE(os.lstat(file).st_mode), "directory": stat.S_IMODE(os.lstat(file.parent).st_mode)}
    (folder / f"mode-{number}.json").write_text(json.dumps({**modes, "path": str(file)}))
    if step.get("wait"):
        (folder / "ready").touch()
        for _ in range(600):
            if (folder / "go").exists():
                break
            time.sleep(0.1)
    if "server_patch" in step or "server_delete" in step:
        server = plan["server"]
        url = f"{server['root']}/{server['collection']}/{server['id']}"
        headers = {"Authorization": f"Bearer {server['token']}", "Accept": "application/json"}
        headers["If-Match"] = httpx.get(url, headers=headers).json()["_etag"]
        if "server_delete" in step:
            httpx.delete(url, headers=headers).raise_for_status()
        else:
            httpx.patch(url, json=step["server_patch"], headers=headers).raise_for_status()
    if step.get("keep"):
        return int(step.get("exit", 0))
    if step.get("to_directory"):
        file.unlink()
        file.mkdir()
        return int(step.get("exit", 0))
    if "write" in step:
        file.write_text(step["write"])
        (folder / f"wrote-{number}.txt").write_text(step["write"])
        return int(step.get("exit", 0))
    text = (folder / "unbroken.txt").read_text() if step.get("fix") else seen
    if step.get("strip_notes") or "set" in step:
        text = NOTES.sub("", text)
    if "set" in step:
        document = json.loads(text)
        document.update(step["set"])
        text = json.dumps(document, indent=2) + "\n"
    if step.get("break"):
        (folder / "unbroken.txt").write_text(text)
        text = text.replace(",\n", "\n", 1)
    if step.get("keep_notes"):
        text = "".join(NOTES.findall(seen)) + text
    file.write_text(text)
    (folder / f"wrote-{number}.txt").write_text(text)
    return int(step.get("exit", 0))


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
