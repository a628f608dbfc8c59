"""Bad input in the config file and the environment is a ConfigError of one line, never a traceback, a frozen screen or
a token shown: bytes that are not UTF-8, deep nesting, NaN and out-of-range numbers, empty strings, control
characters, unusable URLs, and tokens holding a character an HTTP header cannot carry, from every token source."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from casatui.config import Config, ConfigError, Flags, load_config, resolve

from .test_config import SECRET, fake_runner, load

PY = sys.executable


def refused(tmp_path: Path, text: str, *needles: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message and str(tmp_path) in message, message
    for needle in needles:
        assert needle in message, message
    return message


# --- the file itself ---------------------------------------------------------------------------------------------


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[profiles.p]\nurl = "https://cc.example.com"\n# caf\xe9\n')
    with pytest.raises(ConfigError, match=r"not UTF-8 text \(byte 0xe9 on line 3\)"):
        load_config(path, env={})


@pytest.mark.parametrize("depth", [5_000, 50])
def test_deep_nesting_is_one_line(tmp_path: Path, depth: int) -> None:
    refused(tmp_path, "a = " + "[" * depth + "]" * depth + "\n", "nested too deeply")


def test_nesting_inside_a_column_is_bounded_too(tmp_path: Path) -> None:
    refused(tmp_path, '[ui.columns]\njobs = [{key = "a", title = [[[[[["x"]]]]]]}]\n', "nested too deeply")


def test_an_integer_of_5000_digits_is_one_line(tmp_path: Path) -> None:
    refused(tmp_path, "[ui]\nauto_refresh_seconds = 1" + "0" * 5_000 + "\n", "cannot be read")


def test_a_huge_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# " + "x" * (1 << 20) + "\n")
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        load_config(path, env={})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "config.toml")
    writer = os.open(tmp_path / "config.toml", os.O_RDWR | os.O_NONBLOCK)  # so that opening it does not wait
    try:
        with pytest.raises(ConfigError, match="not a regular file"):  # reading would wait for ever
            load_config(tmp_path / "config.toml", env={})
    finally:
        os.close(writer)


# --- numbers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("read_timeout = nan", "read_timeout must be a finite number (found nan)"),
        ("connect_timeout = inf", "connect_timeout must be a finite number (found inf)"),
        ("read_timeout = -inf", "read_timeout must be a finite number"),
        ("auto_refresh_seconds = nan", "auto_refresh_seconds must be a finite number"),
        ("auto_refresh_seconds = 1e-9", "auto_refresh_seconds must be from 1 to 86400 seconds (found 1e-09)"),
        ("auto_refresh_seconds = 0.5", "from 1 to 86400 seconds"),
        ("auto_refresh_seconds = 1e300", "from 1 to 86400 seconds"),
        ("read_timeout = 0.001", "read_timeout must be from 0.1 to 3600 seconds"),
        ("connect_timeout = 100000", "connect_timeout must be from 0.1 to 300 seconds"),
        ("read_timeout = 1" + "0" * 400, "(found a huge number)"),
    ],
)
def test_numbers_are_finite_and_in_range(tmp_path: Path, line: str, needle: str) -> None:
    refused(tmp_path, f"[profiles.p]\n{line}\n", "[profiles.p]", needle)


def test_ui_numbers_are_checked_as_a_profiles(tmp_path: Path) -> None:
    refused(tmp_path, "[ui]\nauto_refresh_seconds = nan\n", "[ui]", "finite")


@pytest.mark.parametrize("width", ["0", "100000", "1" + "0" * 100])
def test_column_widths_are_in_range(tmp_path: Path, width: str) -> None:
    refused(tmp_path, f'[ui.columns]\njobs = [{{key = "a", width = {width}}}]\n', "width must be from 1 to 1000")


def test_the_edges_of_each_range_are_accepted(tmp_path: Path) -> None:
    text = "[profiles.p]\nauto_refresh_seconds = 1\nconnect_timeout = 300\nread_timeout = 0.1\n"
    text += '[profiles.p.columns]\njobs = [{key = "a", width = 1000}]\n'
    resolved = resolve(load(tmp_path, text), env={})
    assert (resolved.auto_refresh_seconds, resolved.timeouts.connect, resolved.timeouts.read) == (1.0, 300.0, 0.1)


# --- strings -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '[profiles.p]\nurl = ""\n',
        '[profiles.p]\nurl = "   "\n',
        '[profiles.p]\nca_cert = ""\n',
        '[profiles.p]\ntoken = ""\n',
        '[profiles.p]\ntheme = ""\n',
        'default_profile = ""\n',
        '[ui]\ntheme = ""\n',
        '[ui.columns]\njobs = [{key = "a", kind = ""}]\n',
    ],
)
def test_empty_strings_are_refused_not_ignored(tmp_path: Path, text: str) -> None:
    refused(tmp_path, text, "is empty")


@pytest.mark.parametrize("ref", ["../admin", "..", "kubeclusters/../../x", "a b", ""])
def test_a_column_ref_names_one_collection(tmp_path: Path, ref: str) -> None:
    refused(
        tmp_path, f'[ui.columns]\njobs = [{{key = "cluster", kind = "ref", ref = "{ref}"}}]\n', "[ui].columns.jobs: ref"
    )


def test_an_empty_column_title_is_allowed(tmp_path: Path) -> None:
    assert load(tmp_path, '[ui.columns]\njobs = [{key = "a", title = ""}]\n').ui.columns == {
        "jobs": [{"key": "a", "title": ""}]
    }


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[profiles.p]\ntheme = "nord\\u001b]0;PWNED\\u0007"\n', "profiles.p.theme"),
        ('[ui.columns]\njobs = [{key = "a", title = "\\u202eevil"}]\n', "ui.columns.jobs[0].title"),
        ('[ui.sort]\njobs = "name\\u200b"\n', "ui.sort.jobs"),
        ('[profiles.p]\ntoken_command = ["pass", "show\\u0000"]\n', "profiles.p.token_command[1]"),
    ],
)
def test_control_and_invisible_characters_are_refused_by_name(tmp_path: Path, text: str, where: str) -> None:
    message = refused(tmp_path, text, where, "control character or an invisible one")
    assert "\x1b" not in message and "PWNED" not in message


def test_a_profile_name_with_an_escape_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, '[profiles."prod\\u001b[2J"]\nurl = "cc.example.com"\n', "a key is empty or holds a control")
    refused(tmp_path, '[profiles.""]\nurl = "cc.example.com"\n', "a key is empty")


def test_an_inline_token_with_an_invisible_character_is_refused_without_showing_it(tmp_path: Path) -> None:
    message = refused(tmp_path, f'[profiles.p]\ntoken = "{SECRET}\\u200b"\n', "profiles.p.token")
    assert SECRET not in message


# --- URLs, in every profile and from every origin ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("http://[::1", "cannot be read: Invalid IPv6 URL"),
        ("https://[zz]/", "cannot be read: 'zz' does not appear to be an IPv4 or IPv6 address"),
        ("https://[127.0.0.1]/", "cannot be read: An IPv4 address cannot be in brackets"),  # alike on 3.10
        ("javascript:alert(1)", "must start with https:// (got javascript:)"),
        ("file:/etc/passwd", "must start with https://"),
        ("https://cc.example.com:99999", "a port is a number from 1 to 65535"),
        ("https://cc.example.com:0", "a port is a number from 1 to 65535"),
        ("https://cc.example.com:abc", "a port is a number from 1 to 65535"),
        ("https://cc..example.com", "no valid host name"),
        ("https://ex%41mple.com", "no valid host name"),
        ("https://1.2.3.999", "no valid host name"),
        ("https://cc.exa mple.com", "a space, a control character or an invisible one"),
        ("https://cc.example.com\u200b", "a space, a control character or an invisible one"),
        pytest.param("https://cc.example.com/" + "a" * 2000, "longer than 2000 characters", id="2023-characters"),
    ],
)
def test_unusable_urls_are_one_line_from_every_origin(tmp_path: Path, url: str, needle: str) -> None:
    for flags, env, origin in [
        (Flags(url=url), {}, "--url: "),
        (Flags(), {"CLOUDCASA_URL": url}, "$CLOUDCASA_URL: "),
    ]:
        with pytest.raises(ConfigError) as caught:
            resolve(Config(), flags, env)
        assert str(caught.value).startswith(origin) and needle in str(caught.value)
    if "\u200b" not in url:  # (the file refuses that one sooner, as an invisible character)
        refused(tmp_path, f"[profiles.p]\nurl = {url!r}\n", "[profiles.p]: url: ", needle)


def test_a_bad_url_in_a_profile_not_chosen_is_refused_at_load(tmp_path: Path) -> None:
    refused(tmp_path, '[profiles.a]\nurl = "cc.example.com"\n[profiles.b]\nurl = "http://[::1"\n', "[profiles.b]")


USABLE = ["cc.example.com:8443", "http://[::1]:5000", "münchen.example", "https://a_b.example.com/gw", "localhost:5000"]


@pytest.mark.parametrize("url", USABLE)
def test_usable_urls_still_pass(url: str) -> None:
    assert resolve(Config(), Flags(url=url), {}).url.endswith("/api/v1")


# --- tokens a header cannot carry, from every source -------------------------------------------------------------

BAD_TOKENS = [
    (f"{SECRET}\u200b", "U+200B (ZERO WIDTH SPACE)"),
    (f"\ufeff{SECRET}", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    (f"{SECRET[:5]}é{SECRET[5:]}", "U+00E9 (LATIN SMALL LETTER E WITH ACUTE)"),
    (f"{SECRET[:5]} {SECRET[5:]}", "a space"),
    (f"{SECRET[:5]}\u0085{SECRET[5:]}", "a control character (U+0085)"),
    (f"{SECRET}\udcff", "U+DCFF"),  # a byte that was not UTF-8 in the environment
]


@pytest.mark.parametrize(("token", "named"), BAD_TOKENS)
def test_a_token_a_header_cannot_carry_is_refused_from_the_environment(token: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(Config(), env={"CLOUDCASA_API_TOKEN": token})
    message = str(caught.value)
    assert "the token from $CLOUDCASA_API_TOKEN holds" in message and named in message
    assert "an HTTP header cannot carry" in message
    assert SECRET[:5] not in message and SECRET[5:] not in message


@pytest.mark.parametrize(("token", "named"), BAD_TOKENS[:5])
def test_a_token_a_header_cannot_carry_is_refused_from_token_env(tmp_path: Path, token: str, named: str) -> None:
    config = load(tmp_path, '[profiles.prod]\ntoken_env = "CC_PROD_TOKEN"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(config, env={"CC_PROD_TOKEN": token})
    assert "profile prod: the token from $CC_PROD_TOKEN holds" in str(caught.value) and named in str(caught.value)
    assert SECRET[5:] not in str(caught.value)


def test_a_token_a_header_cannot_carry_is_refused_from_a_real_command(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{SECRET}\u200b\n", encoding="utf-8")
    code = f"import sys; sys.stdout.buffer.write(open({str(secret)!r}, 'rb').read())"
    config = load(tmp_path, f"[profiles.p]\ntoken_command = [{PY!r}, '-c', {code!r}]\n")
    with pytest.raises(ConfigError) as caught:
        resolve(config, env={})
    assert "the token from command `" in str(caught.value) and "U+200B" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_a_token_a_header_cannot_carry_is_refused_from_a_fake_command(tmp_path: Path) -> None:
    config = load(tmp_path, '[profiles.p]\ntoken_command = ["get-token"]\n')
    with pytest.raises(ConfigError, match="U\\+00E9") as caught:
        resolve(config, env={}, run_command=fake_runner(stdout=f"é{SECRET}\n"))
    assert SECRET not in str(caught.value)


def test_a_token_a_header_cannot_carry_is_refused_from_the_file(tmp_path: Path) -> None:
    config = load(tmp_path, f'[profiles.p]\ntoken = "{SECRET}é"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(config, env={})
    assert f"the token from `token` in {tmp_path / 'config.toml'} holds U+00E9" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_every_visible_ascii_character_is_a_valid_token() -> None:
    token = "".join(chr(code) for code in range(0x21, 0x7F))
    assert resolve(Config(), env={"CLOUDCASA_API_TOKEN": token}).token == token


def test_a_ca_cert_that_is_a_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^--ca-cert: the CA bundle .* is not a regular file$"):
        resolve(Config(), Flags(ca_cert=str(tmp_path)), {})
