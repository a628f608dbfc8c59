"""`casatui completion bash|zsh|fish`: a completion script for the shell, and the candidates it asks for.

On each TAB the script runs `casatui completion SHELL --words` with the words of the command line on stdin, one a
line, up to the one completed (the last, maybe empty). It prints either `files` and the text to put before each path
(`--ca-cert=` when that is the word completed, else an empty line): the shell completes a path; or `-` and the
candidates, one a line.

What is completed comes from the parser itself (`build_parser`): the subcommands, each one's flags, and the choices of
a flag or a positional. Profile names come from the config file (`--config` on the line, else the usual one).
Collection names (COLLECTION, --resource), and the aliases of those names (built-in and `[aliases]`), come from
the API document kept at the last connection to the API root the line would connect to (`--profile`, `--url`, their
variables, the profile's url), else (nothing kept, or --demo, whose root is new each run) from the built-in list of
CloudCasa's collections, as the TUI itself falls back to. Completing never sends a request and never resolves the
token: a profile's token_command does not run.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import exits

if TYPE_CHECKING:
    from ..config import Config

PROGRAM = "casatui"
FILES = "files"  # first line: complete a path (a flag whose metavar is FILE)
CANDIDATES = "-"  # first line: the candidates follow
# Every candidate is offered as it is, unquoted: one that a shell would split or expand is left out (a profile may be
# named anything in TOML; a collection name comes from a server).
SAFE = re.compile(r"[\w.@+-]+")

BASH = r"""# casatui completion for bash: eval "$(casatui completion bash)" in ~/.bashrc, or save this as
# ~/.local/share/bash-completion/completions/casatui
_casatui() {
    local cur=${COMP_WORDS[COMP_CWORD]} line kind=
    local -a found=()
    while IFS= read -r line; do
        if [[ -z $kind ]]; then kind=$line; else found+=("$line"); fi
    done < <(printf '%s\n' "${COMP_WORDS[@]:0:COMP_CWORD+1}" | command casatui completion bash --words 2>/dev/null)
    if [[ $kind == files ]]; then
        local prefix=${found[0]}
        cur=${cur#"$prefix"}
        [[ $cur == = ]] && cur=
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        if [[ -n $prefix ]]; then COMPREPLY=("${COMPREPLY[@]/#/$prefix}"); fi
    else
        COMPREPLY=("${found[@]}")
    fi
}
complete -F _casatui casatui
"""

ZSH = r"""#compdef casatui
# casatui completion for zsh: save this as _casatui in a directory of $fpath, or
# eval "$(casatui completion zsh)" in ~/.zshrc after compinit
_casatui() {
    local -a lines
    lines=("${(@f)$(print -rl -- "${(@)words[1,CURRENT]}" | command casatui completion zsh --words 2>/dev/null)}")
    if [[ ${lines[1]} == files ]]; then
        [[ -n ${lines[2]} ]] && compset -P 1 "${(b)lines[2]}"
        _files
    elif (( ${#lines} > 1 )); then
        lines=("${(@)lines[2,-1]}")
        _describe -t casatui casatui lines
    fi
}
if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then  # autoloaded from $fpath: this TAB is the first
    _casatui "$@"
else
    compdef _casatui casatui
fi
"""

FISH = r"""# casatui completion for fish: casatui completion fish > ~/.config/fish/completions/casatui.fish
function __casatui_complete
    set -l current (commandline -ct)
    set -l words (commandline -opc) "$current"
    set -l lines (printf '%s\n' $words | command casatui completion fish --words 2>/dev/null)
    test (count $lines) -gt 0; or return
    if test "$lines[1]" = files
        set -l prefix "$lines[2]"
        set -l path (string sub --start (math (string length -- "$prefix") + 1) -- "$current")
        printf '%s\n' "$prefix"(__fish_complete_path "$path")
        return
    end
    set -e lines[1]
    printf '%s\n' $lines
end
complete -c casatui -f -a '(__casatui_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


@dataclass
class Line:
    """What the words before the completed one say: the (sub)command's parser, the values given so far."""

    parser: argparse.ArgumentParser
    values: dict[str, str] = field(default_factory=dict)  # dest -> the value given (--profile, --url)
    seen: set[argparse.Action] = field(default_factory=set)
    positionals: int = 0  # of the current parser
    command_chosen: bool = False
    pending: argparse.Action | None = None  # a flag whose value is the next word
    only_positionals: bool = False  # after "--"


@dataclass(frozen=True)
class Candidates:
    names: list[tuple[str, str]]  # (candidate, description)
    files: bool = False
    prefix: str = ""  # put before each candidate: "--output=" when the word completed is `--output=js`


def run(args: argparse.Namespace) -> int:
    if not args.words:
        sys.stdout.write(SCRIPTS[args.shell])
        return exits.OK
    text = sys.stdin.read()
    words = text.split("\n")
    if text.endswith("\n"):
        words.pop()  # (each word ends in a newline, the last too, even when it is empty)
    sys.stdout.write(render(complete(words), args.shell))
    return exits.OK


def render(found: Candidates, shell: str) -> str:
    if found.files:
        return f"{FILES}\n{found.prefix}\n"
    lines = [CANDIDATES]
    for name, description in found.names:
        name = found.prefix + name
        description = " ".join(description.split())
        if shell == "zsh":
            name = name.replace("\\", "\\\\").replace(":", "\\:")
            lines.append(f"{name}:{description}" if description else name)
        elif shell == "fish" and description:
            lines.append(f"{name}\t{description}")
        else:
            lines.append(name)
    return "\n".join(lines) + "\n"


def complete(words: list[str]) -> Candidates:
    """The candidates for the last of `words` (the command line so far, the program's name first)."""
    from . import build_parser

    words, split = _joined(words or [PROGRAM, ""])
    line = _read(build_parser(), words[1:-1])
    current = words[-1]
    if line.pending is not None:
        return _values(line.pending, line, current)
    if not line.only_positionals and current.startswith("--") and "=" in current:
        name, _, value = current.partition("=")
        action = line.parser._option_string_actions.get(name)
        if action is None or not _takes_value(action):
            return Candidates([])
        found = _values(action, line, value)
        return found if split else Candidates(found.names, found.files, prefix=name + "=")
    if not line.only_positionals and current.startswith("-"):
        return Candidates(_flags(line, current))
    positional = _positional(line, current)
    if positional is None:  # no positional left: the flags, as kubectl offers them
        return Candidates(_flags(line, current) if current == "" else [])
    return positional


def _joined(words: list[str]) -> tuple[list[str], bool]:
    """Bash splits `--output=json` into `--output`, `=`, `json` (`=` is in its COMP_WORDBREAKS): joined back. Also
    whether the last word was split so: bash then replaces only what follows the `=`."""
    joined: list[str] = []
    split = False
    for index, word in enumerate(words):
        last = index == len(words) - 1
        if word == "=" and joined and joined[-1].startswith("--") and "=" not in joined[-1]:
            joined[-1] += "="
            split = last
        elif joined and joined[-1].startswith("--") and joined[-1].endswith("=") and words[index - 1] == "=":
            joined[-1] += word
            split = last
        else:
            joined.append(word)
            split = False
    return joined, split


def _read(parser: argparse.ArgumentParser, words: Iterable[str]) -> Line:
    line = Line(parser)
    for word in words:
        if line.pending is not None:
            line.values[line.pending.dest] = word
            line.pending = None
        elif line.only_positionals or word == "-" or not word.startswith("-"):
            _positional_word(line, word)
        elif word == "--":
            line.only_positionals = True
        else:
            _flag_word(line, word)
    return line


def _flag_word(line: Line, word: str) -> None:
    options = line.parser._option_string_actions
    name, value = word, None
    if word.startswith("--") and "=" in word:
        name, _, value = word.partition("=")
    elif not word.startswith("--") and len(word) > 2 and word[:2] in options:  # `-ojson`
        name, value = word[:2], word[2:]
    action = options.get(name)
    if action is None:
        return  # a mistake, or a flag of a newer casatui: the rest is still read
    line.seen.add(action)
    if _takes_value(action):
        if value is None:
            line.pending = action
        else:
            line.values[action.dest] = value


def _positional_word(line: Line, word: str) -> None:
    commands = _commands(line.parser)
    if commands is not None and not line.command_chosen and line.positionals == len(_positional_actions(line.parser)):
        line.command_chosen = True
        if word in commands.choices:
            line.parser = commands.choices[word]
            line.positionals = 0
            line.command_chosen = False
        return
    line.positionals += 1


def _commands(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[argparse.ArgumentParser] | None:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def _positional_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not a.option_strings and not isinstance(a, argparse._SubParsersAction)]


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _positional(line: Line, current: str) -> Candidates | None:
    slots = _positional_actions(line.parser)
    if line.positionals < len(slots):
        return _values(slots[line.positionals], line, current)
    if slots and slots[-1].nargs in ("*", "+", argparse.REMAINDER):
        return _values(slots[-1], line, current)
    commands = _commands(line.parser)
    if commands is not None and not line.command_chosen:
        helps = {choice.dest: choice.help or "" for choice in commands._choices_actions}
        return Candidates([(name, helps.get(name, "")) for name in commands.choices if name.startswith(current)])
    return None


def _flags(line: Line, current: str) -> list[tuple[str, str]]:
    parser = line.parser
    excluded = set(line.seen)
    for group in parser._mutually_exclusive_groups:
        if excluded & set(group._group_actions):
            excluded |= set(group._group_actions)
    found: list[tuple[str, str]] = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS or action in excluded:
            continue
        strings = [s for s in action.option_strings if s.startswith(current)]
        if len(current) < 2:  # `-` or nothing: each flag once, by its long name
            strings = [s for s in strings if s.startswith("--")][:1] or strings[:1]
        description = _help(parser, action)
        found += [(string, description) for string in strings]
    return found


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    try:
        return parser._get_formatter()._expand_help(action)
    except (KeyError, TypeError, ValueError):
        return action.help or ""


def _values(action: argparse.Action, line: Line, current: str) -> Candidates:
    """The candidates for a value of `action`: its choices, a profile, a collection, a path, or none."""
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        names = [str(choice) for choice in action.choices]
    elif action.dest == "profile":
        names = _profiles(line)
    elif action.dest in ("collection", "resource"):
        found = _collections(line)
        return Candidates([(name, about) for name, about in found if name.startswith(current) and SAFE.fullmatch(name)])
    elif action.metavar == "FILE":
        return Candidates([], files=True)
    else:
        names = []
    return Candidates([(name, "") for name in names if name.startswith(current) and SAFE.fullmatch(name)])


def _config(line: Line) -> Config:
    """The config file the line would read (its --config, else the usual one); ConfigError when it cannot be."""
    from pathlib import Path

    from ..config import load_config

    given = line.values.get("config")
    return load_config(Path(given).expanduser(), origin="--config") if given else load_config()


def _profiles(line: Line) -> list[str]:
    from ..config import ConfigError

    try:
        return sorted(_config(line).profiles)
    except ConfigError:
        return []


def _collections(line: Line) -> list[tuple[str, str]]:
    """The collections of the document kept for the API root the line would connect to, else the built-in list;
    then the aliases of those, each described by its collection."""
    from ..api.known import BUILTIN
    from ..config import COLLECTION_NAME, ConfigError, Flags, resolve_root, state_dir
    from ..core.aliases import Aliases
    from ..core.catalog_cache import names

    kept = None
    flags = Flags(profile=line.values.get("profile"), url=line.values.get("url"), allow_http=_given(line, "allow_http"))
    try:
        config = _config(line)
    except ConfigError:
        config = None
    if not _given(line, "demo") and config is not None:  # (the demo's port, and so its root, is new each run)
        try:
            kept = names(state_dir(), resolve_root(config, flags))
        except ConfigError:
            kept = None
    collections = sorted(name for name in (BUILTIN if kept is None else kept) if COLLECTION_NAME.fullmatch(name))
    aliases = Aliases(config.aliases if config is not None else {}).offered(set(collections))
    return [(name, "") for name in collections] + sorted(aliases.items())


def _given(line: Line, dest: str) -> bool | None:
    return True if any(action.dest == dest for action in line.seen) else None
