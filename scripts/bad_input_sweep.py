"""Run the real `casatui` command over bad flags, config files and environment values; classify each outcome.

python scripts/bad_input_sweep.py

Each case runs in a fresh process with its own config file and state directory, against a closed port (nothing
listens on 127.0.0.1:9). The expected outcome is one line on stderr and exit status 2 before any screen opens; a
case still running after 15 s opened a screen. The counts are in docs/resilience.md.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

TOKEN_LIKE = "tok-0123456789"  # the tokens below start with it: finding it on stderr means a token was shown


def cases() -> list[tuple[str, list[str], bytes | None, dict[str, str]]]:
    found: list[tuple[str, list[str], bytes | None, dict[str, str]]] = []
    for url in [
        "http://[::1", "javascript:alert(1)", "https://x.example.com:99999", "https://x.example.com:0",
        "https://x.example.com:abc", "https://x..example.com", "file:/etc/passwd", "https://x.exa mple.com",
        "https://1.2.3.999", "", "https://[zz]/",
    ]:  # fmt: skip
        found.append((f"--url {url!r}", ["--url", url], None, {}))
    for args in [
        ["--profile", ""], ["--resource", "../../admin"], ["--resource", ".."], ["--resource", ""], ["--sort", ""],
        ["--log-file", ""], ["--ca-cert", ""], ["--where", "a=\x1b]0;x\x07"], ["--jobs", "abc"],
        ["--jobs", "99999999999999999999"],
    ]:  # fmt: skip
        found.append((" ".join(repr(a) if not a.startswith("--") else a for a in args), args, None, {}))
    for name, text in [
        ("not UTF-8", b"[ui]\n# \xff\n"),
        ("nested 5,000 deep", b"a = " + b"[" * 5000 + b"]" * 5000),
        ("nested 50 deep", b"a = " + b"[" * 50 + b"]" * 50),
        ("read_timeout = nan", b"[profiles.p]\nread_timeout = nan\n"),
        ("connect_timeout = inf", b"[profiles.p]\nconnect_timeout = inf\n"),
        ("auto_refresh_seconds = nan", b"[ui]\nauto_refresh_seconds = nan\n"),
        ("auto_refresh_seconds = 1e-9", b"[ui]\nauto_refresh_seconds = 1e-9\n"),
        ("auto_refresh_seconds = 1e300", b"[ui]\nauto_refresh_seconds = 1e300\n"),
        ("a 5,001-digit number", b"[ui]\nauto_refresh_seconds = 1" + b"0" * 5000 + b"\n"),
        ("column width 1e23", b'[ui.columns]\njobs = [{key="a", width=100000000000000000000000}]\n'),
        ("unknown theme", b'[ui]\ntheme = "nope"\n'),
        ("url with port 99999", b'[profiles.p]\nurl = "https://x.example.com:99999"\n'),
        ("empty url", b'[profiles.p]\nurl = ""\n'),
        ("escape in theme", b'[ui]\ntheme = "a\\u001b]0;x\\u0007"\n'),
        ("escape in a profile name", b'[profiles."a\\u001b[2J"]\n'),
        ("column ref ../admin", b'[ui.columns]\njobs = [{key="a", kind="ref", ref="../admin"}]\n'),
        ("inline token with U+200B", f'[profiles.p]\ntoken = "{TOKEN_LIKE}\u200b"\n'.encode()),
    ]:
        found.append((f"config: {name}", [], text, {}))
    for name, env in [
        ("token with U+200B", {"CLOUDCASA_API_TOKEN": TOKEN_LIKE + "\u200b"}),
        ("token with é", {"CLOUDCASA_API_TOKEN": TOKEN_LIKE + "é"}),
        ("token with a space", {"CLOUDCASA_API_TOKEN": TOKEN_LIKE + " x"}),
        ("CLOUDCASA_URL=javascript:x", {"CLOUDCASA_URL": "javascript:x"}),
        ("state directory is a file", {"CASATUI_STATE_DIR": "FILE"}),
    ]:
        found.append((f"env: {name}", [], None, env))
    return found


def outcome(args: list[str], config: bytes | None, extra: dict[str, str]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "c.toml").write_bytes(config or b"")
        (folder / "c.toml").chmod(0o600)
        (folder / "FILE").write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDCASA_", "CASATUI_"))}
        env.update(CASATUI_CONFIG=str(folder / "c.toml"), CASATUI_STATE_DIR=str(folder / "state"))
        env.update({k: str(folder / v) if v == "FILE" else v for k, v in extra.items()})
        if "--url" not in args and "CLOUDCASA_URL" not in extra:
            args = [*args, "--url", "http://127.0.0.1:9"]
        command = [sys.executable, "-m", "casatui", *args]
        try:
            done = subprocess.run(command, capture_output=True, timeout=15, env=env, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return "opened a screen"
    stderr = done.stderr.decode(errors="replace")
    if "Traceback" in stderr or done.returncode not in (0, 2):
        kind = "traceback"
    elif done.returncode == 2 and len(stderr.strip().splitlines()) == 1 and b"\x1b" not in done.stderr:
        kind = "one line, exit 2"
    else:
        kind = f"other (exit {done.returncode}, {len(stderr.strip().splitlines())} lines)"
    return kind + (" + TOKEN SHOWN" if TOKEN_LIKE in stderr else "")


def main() -> None:
    counts: Counter[str] = Counter()
    for name, args, config, extra in cases():
        kind = outcome(args, config, extra)
        counts[kind] += 1
        print(f"{name[:48]:50} {kind}")
    print(f"{sum(counts.values())} cases: " + ", ".join(f"{n} {kind}" for kind, n in counts.most_common()))


if __name__ == "__main__":
    main()
