"""Finding things by a few typed letters: one matcher and one ranking for the command palette and every picker
(the `:` jump to a resource type among them), so the same query lists the same things in the same order.

An entry is found by any of its names (a collection: its name, its title, its initials, and later its aliases; an
action: its description, its short word, its name, its key). A query matches a name, best first, as the whole name,
its start, the initials of all its words (`rtbn`: "Run this backup now"), a substring at a word's start, a
substring, each of its words somewhere in the name, or its letters in order (`kb` in kube|backups, `bkp` in
backups); an entry scores as its best-matching name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from .safe_text import visible

T = TypeVar("T")

# Words that open many API names without a separator (kube|backups, aws|rdscopies): where a name has no other
# word boundary, these make one, so its initials (`kb`) and the letters typed at its words' starts count.
WORD_PREFIXES = ("kube", "azure", "aws", "gcp")
_SEPARATORS = str.maketrans({"_": " ", "-": " "})  # "server_changes" and "server-side" read as words


@dataclass(frozen=True)
class Match:
    """How well a query matched an entry: `score` in (0, 1], higher first; `name` the index of the entry's name
    that matched best; `positions` the matched characters in that name (to highlight them)."""

    score: float
    name: int
    positions: tuple[int, ...]


EVERYTHING = Match(1.0, 0, ())  # what the empty query matches


def word_starts(name: str, prefixes: Sequence[str] = WORD_PREFIXES) -> list[int]:
    """Where the words of `name` start: after a separator, at a capital after a small letter (camelCase), between
    letters and digits, and after a known prefix of a longer word (`kubebackups` -> kube|backups)."""
    starts: list[int] = []
    for i, char in enumerate(name):
        if not char.isalnum():
            continue
        before = name[i - 1] if i else ""
        if not before.isalnum() or (before.islower() and char.isupper()) or (before.isdigit() != char.isdigit()):
            starts.append(i)
    with_prefixes: list[int] = []
    for n, start in enumerate(starts):
        with_prefixes.append(start)
        end = starts[n + 1] if n + 1 < len(starts) else len(name)
        word = name[start:end].lower()
        for prefix in prefixes:
            if word.startswith(prefix) and len(word) > len(prefix) + 2 and word[len(prefix)].isalpha():
                with_prefixes.append(start + len(prefix))
                break
    return with_prefixes


def initials(name: str) -> str:
    """The first letter of each word (`kb` for kubebackups, `rp` for rbac/permissions); empty for one word."""
    starts = word_starts(name)
    return "".join(name[i] for i in starts).lower() if len(starts) > 1 else ""


def collection_names(name: str, title: str = "", aliases: Iterable[str] = ()) -> tuple[str, ...]:
    """The names a collection is found by, first the one shown first: its name, its title, the initials of
    either, then `aliases` (short names a user or a profile gives it). Server text, so made visible."""
    names: list[str] = []
    for candidate in (name, title, initials(name), initials(title), *aliases):
        shown = visible(candidate)
        if shown and shown.lower() not in (n.lower() for n in names):
            names.append(shown)
    return tuple(names)


def _folded(text: str) -> str:
    """Lower case, one character for one (so positions stay those of the original), separators as spaces."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text).translate(_SEPARATORS)


@lru_cache(maxsize=4096)
def _prepared(name: str) -> tuple[str, tuple[int, ...], frozenset[int]]:
    """A name's folded form and its words' starts: the same names are matched again at every key typed."""
    starts = tuple(word_starts(name))
    return _folded(name), starts, frozenset(starts)


def _in_order(query: str, folded: str) -> bool:
    """The query's letters occur in the name in order (the cheap test before any scoring)."""
    at = 0
    for letter in query:
        at = folded.find(letter, at) + 1
        if not at:
            return False
    return True


def _score_name(query: str, name: str) -> tuple[float, tuple[int, ...]]:
    """`query` is already folded and stripped; 0 when it does not match."""
    folded, starts, start_set = _prepared(name)
    letters = query.replace(" ", "")
    if not folded or not query or (not _in_order(letters, folded) and " " not in query):
        return 0.0, ()
    shortness = len(query) / len(folded)  # of two equal kinds of match, the one that covers more of its name
    if folded == query:
        return 1.0, tuple(range(len(name)))
    if folded.startswith(query):
        return 0.9 + 0.05 * shortness, tuple(range(len(query)))
    if len(starts) > 1 and letters == "".join(folded[i] for i in starts):
        return 0.85, starts  # the initials of all its words: `rtbn`, "Run this backup now"
    at = folded.find(query)
    if at > 0:
        while at >= 0 and at not in start_set:
            at = folded.find(query, at + 1)
        at = at if at >= 0 else folded.find(query)
        kind = 0.8 if at in start_set else 0.7
        return kind + 0.05 * shortness, tuple(range(at, at + len(query)))
    words = query.split()
    if len(words) > 1:
        positions: list[int] = []
        for word in words:
            found = folded.find(word)
            if found < 0:
                break
            positions.extend(range(found, found + len(word)))
        else:
            return 0.6 + 0.05 * shortness, tuple(sorted(set(positions)))
    if not _in_order(letters, folded):
        return 0.0, ()
    return _letters_in_order(letters, folded, start_set)


# A matched letter scores 1, 2 more at a word's start, 1 more right after the previous one (at most 3 in all).
_AT_START, _NEXT, _MOST = 2.0, 1.0, 3.0


def _letters_in_order(query: str, folded: str, starts: frozenset[int]) -> tuple[float, tuple[int, ...]]:
    """The best placement of the query's letters in order in the name (dynamic programming over letter and place:
    at most len(query) * len(name) steps), scored in (0.1, 0.6]. Of equal placements, the earliest."""
    size = len(folded)
    unset = -1.0
    # total[j]: the best score of the letters so far with the last one at j; back[k][j]: where the one before was
    total = [1.0 + (_AT_START if j in starts else 0.0) if c == query[0] else unset for j, c in enumerate(folded)]
    back: list[list[int]] = []
    for letter in query[1:]:
        following = [unset] * size
        before = [-1] * size
        lead, lead_at = unset, -1  # the best placement ending at j - 2 or earlier (not next to j)
        for j in range(1, size):
            if j >= 2 and total[j - 2] > lead:
                lead, lead_at = total[j - 2], j - 2
            if folded[j] != letter:
                continue
            own = 1.0 + (_AT_START if j in starts else 0.0)
            if total[j - 1] != unset and total[j - 1] + min(_MOST, own + _NEXT) > following[j]:
                following[j], before[j] = total[j - 1] + min(_MOST, own + _NEXT), j - 1
            if lead != unset and lead + own > following[j]:
                following[j], before[j] = lead + own, lead_at
        total = following
        back.append(before)
    best = max(total)
    if best == unset:
        return 0.0, ()
    at = total.index(best)
    path = [at]
    for before in reversed(back):
        at = before[at]
        path.append(at)
    return 0.1 + 0.5 * best / (_MOST * len(query)), tuple(reversed(path))


def match(query: str, names: Sequence[str]) -> Match | None:
    """How `query` matches an entry found by `names`: its best-matching name, or None."""
    folded = " ".join(_folded(query).split())
    if not folded:
        return EVERYTHING
    found: Match | None = None
    for index, name in enumerate(names):
        score, positions = _score_name(folded, name)
        if score > 0 and (found is None or score > found.score):
            found = Match(score, index, positions)
    return found


def rank(query: str, entries: Iterable[tuple[T, Sequence[str]]]) -> list[tuple[T, Match]]:
    """The entries `query` matches, best first; equal scores keep the entries' order (the empty query: all)."""
    matched = []
    for order, (entry, names) in enumerate(entries):
        found = match(query, names)
        if found is not None:
            matched.append((-found.score, order, entry, found))
    matched.sort(key=lambda item: (item[0], item[1]))
    return [(entry, found) for _, _, entry, found in matched]
