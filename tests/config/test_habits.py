"""The config file's habits: `[aliases]`, `external_editor`, and the OS keyring as a token source (`token_keyring`),
read through a keyring backend of the test's own (keyring's documented `set_keyring` hook, not a mock of it)."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

from casatui.config import ConfigError, load_config, resolve
from casatui.core.aliases import SHORT_NAMES, Aliases

SECRET = "k3yr1ng-token-value-0a1b2c"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps its entries in a dict: what the OS keyring answers, without the OS."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, entries: dict[tuple[str, str], str] | None = None, *, locked: bool = False) -> None:
        super().__init__()
        self.entries = dict(entries or {})
        self.locked = locked
        self.asked: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.append((service, username))
        if self.locked:
            raise keyring.errors.KeyringLocked("the collection is locked\nsecond line never shown")
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text))
    path.chmod(0o600)
    return path


# --- aliases ---------------------------------------------------------------------------------------------------------


def test_aliases_are_read_and_reach_the_resolved_settings(tmp_path: Path) -> None:
    path = write(tmp_path, '[aliases]\nmine = "policies"\nkb = "kubeoffloads"\n')
    resolved = resolve(load_config(path, env={}), env={})
    assert resolved.aliases == {"mine": "policies", "kb": "kubeoffloads"}
    assert resolved.aliases_origin == f"{path}: [aliases]"


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ('jobs = "kubebackups"', "jobs is the name of a collection: an alias cannot hide it"),
        ('awsrdscopies = "jobs"', "awsrdscopies is the name of a collection"),  # (of the groups, not BUILTIN)
        ('"k b" = "kubebackups"', "'k b' is not a plain word"),
        ('"9kb" = "kubebackups"', "'9kb' is not a plain word"),
        ('"kb/x" = "kubebackups"', "'kb/x' is not a plain word"),
        ('kb = "kube/../backups"', "kb: 'kube/../backups' is not a collection name"),
        ("kb = 3", 'kb must be a string naming a collection, like kb = "kubebackups"'),
        ("kb = { x = 1 }", "kb must be a string naming a collection"),
    ],
)
def test_a_wrong_alias_is_a_config_error_naming_it(tmp_path: Path, table: str, needle: str) -> None:
    path = write(tmp_path, f"[aliases]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert str(caught.value).startswith(f"{path}: [aliases]: ") and needle in str(caught.value)
    assert "\n" not in str(caught.value)


def test_aliases_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="aliases must be a table"):
        load_config(write(tmp_path, 'aliases = "kb"\n'), env={})


def test_an_alias_is_only_offered_when_the_server_has_its_collection() -> None:
    aliases = Aliases({"mine": "policies", "gone": "nosuchthing", "kb": "kubeoffloads"}, origin="c.toml: [aliases]")
    served = {"jobs", "kubebackups", "kubeoffloads", "policies", "mine2"}
    offered = aliases.offered(served)
    assert offered["mine"] == "policies" and offered["kb"] == "kubeoffloads"  # the user's over the built-in kb
    assert "gone" not in offered and "eks" not in offered  # (awseksclusters: not served)
    assert aliases.by_collection(served)["jobs"] == ("job",)
    assert aliases.resolve("kb", served) == "kubeoffloads"
    assert aliases.resolve("eks", served) == "eks"  # not offered: the name stays what was typed
    assert aliases.resolve("eks") == "awseksclusters"  # the document is not known yet: the table says
    assert aliases.resolve("jobs", served) == "jobs"
    assert "built-in short name of awseksclusters" in aliases.explain("eks", served)
    assert "c.toml: [aliases] makes it nosuchthing" in aliases.explain("gone", served)
    assert aliases.explain("jobs", served) == "" and aliases.explain("nothing", served) == ""
    assert aliases.problems(served) == ["c.toml: [aliases]: gone = 'nosuchthing': the server's API document has no "
                                        "such collection"]  # fmt: skip
    assert Aliases({"mine2": "jobs"}).problems(served) == [
        "[aliases]: mine2 is a collection of this server: the alias is ignored"
    ]
    assert Aliases({"mine2": "jobs"}).resolve("mine2", served) == "mine2"  # the collection wins


def test_no_built_in_short_name_is_a_collection_name_and_each_names_one() -> None:
    from casatui.api.known import BUILTIN, GROUPS
    from casatui.config import ALIAS_NAME

    known = set(BUILTIN).union(*(names for _, names in GROUPS))
    assert all(ALIAS_NAME.fullmatch(alias) and alias not in known for alias in SHORT_NAMES)
    assert set(SHORT_NAMES.values()) <= known


# --- external_editor -------------------------------------------------------------------------------------------------


def test_external_editor_profile_over_ui_over_false(tmp_path: Path) -> None:
    path = write(tmp_path, "[ui]\nexternal_editor = true\n[profiles.a]\n[profiles.b]\nexternal_editor = false\n")
    config = load_config(path, env={})
    assert resolve(config, env={"CASATUI_PROFILE": "a"}).external_editor is True
    assert resolve(config, env={"CASATUI_PROFILE": "b"}).external_editor is False
    assert resolve(load_config(write(tmp_path, ""), env={}), env={}).external_editor is False
    with pytest.raises(ConfigError, match=r"\[ui\]: external_editor must be a boolean"):
        load_config(write(tmp_path, '[ui]\nexternal_editor = "yes"\n'), env={})


# --- token_keyring ---------------------------------------------------------------------------------------------------


def test_the_token_comes_from_the_keyring_entry(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password("https://api.cloudcasa.io", "me@example.com", f"  {SECRET}\n")
    path = write(tmp_path, '[profiles.p]\ntoken_keyring = "https://api.cloudcasa.io/me@example.com"\n')
    resolved = resolve(load_config(path, env={}), env={})
    assert resolved.token == SECRET
    assert resolved.token_source.kind == "keyring"
    assert memory_keyring.asked == [("https://api.cloudcasa.io", "me@example.com")]  # split at the last "/"
    assert SECRET not in repr(resolved) + resolved.describe_auth()
    assert "the keyring (service 'https://api.cloudcasa.io', user 'me@example.com')" in resolved.describe_auth()


def test_the_environment_variable_still_wins_and_the_keyring_is_not_read(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = write(tmp_path, '[profiles.p]\ntoken_keyring = "cloudcasa/me"\n')
    resolved = resolve(load_config(path, env={}), env={"CLOUDCASA_API_TOKEN": "from-env"})
    assert resolved.token == "from-env" and "overrides the profile's token_keyring" in resolved.describe_auth()
    assert memory_keyring.asked == []


def test_a_missing_entry_names_the_fix(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    path = write(tmp_path, '[profiles.p]\ntoken_keyring = "cloudcasa/me"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(load_config(path, env={}), env={})
    assert str(caught.value) == (
        "profile p: token_keyring: the keyring has no password for service 'cloudcasa', user 'me': store it with "
        "`keyring set cloudcasa me`"
    )


def test_a_keyring_that_cannot_be_read_is_one_line(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.locked = True
    path = write(tmp_path, '[profiles.p]\ntoken_keyring = "cloudcasa/me"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(load_config(path, env={}), env={})
    assert str(caught.value) == "profile p: token_keyring: the keyring cannot be read: the collection is locked"


def test_without_the_keyring_package_the_fix_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if it were not installed: `import keyring` fails
    path = write(tmp_path, '[profiles.p]\ntoken_keyring = "cloudcasa/me"\n')
    config = load_config(path, env={})  # reading the file does not need it
    with pytest.raises(ConfigError) as caught:
        resolve(config, env={})
    assert str(caught.value) == "profile p: token_keyring needs the keyring package: pip install 'casatui[keyring]'"


@pytest.mark.parametrize("value", ["cloudcasa", "/me", "cloudcasa/", " /me", ""])
def test_a_keyring_entry_must_be_service_slash_user(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, f'[profiles.p]\ntoken_keyring = "{value}"\n'), env={})
    assert "[profiles.p]" in str(caught.value) and "token_keyring" in str(caught.value)


def test_only_one_token_source_with_the_keyring_too(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.p]\ntoken_keyring = "cloudcasa/me"\ntoken_env = "X"\n')
    with pytest.raises(ConfigError, match="token_env and token_keyring are set: keep exactly one token source"):
        load_config(path, env={})


def test_keyring_is_imported_only_when_a_profile_uses_it(tmp_path: Path) -> None:
    import subprocess

    path = write(tmp_path, '[profiles.p]\ntoken_env = "X"\n')
    program = (
        "import sys\nfrom pathlib import Path\nfrom casatui.config import load_config, resolve\n"
        f"resolve(load_config(Path({str(path)!r}), env={{}}), env={{'X': 'token-x'}})\n"
        "print('keyring' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
