"""Documents a person wrote in a file: one JSON object, a JSON array, JSON lines, or YAML (one or several documents,
each an object or a list of them). Text starting with { or [ is JSON only: YAML would read a slip in it as a null.

JSON is read by `editing.read_json`, the reader the editor uses (NaN refused, deep nesting a problem, not a
traceback). YAML is read safely, with dates left as text (a date is a string to the API, never a Python datetime)
and without aliases: `*name` repeats a node, and a few hundred bytes of aliases of aliases make gigabytes. Nothing
nests deeper than a server's answer may (`limits.MAX_JSON_DEPTH`).
"""

from __future__ import annotations

from typing import Any

from ..api.limits import MAX_JSON_DEPTH
from .editing import ParseProblem, read_json


class Unreadable(ValueError):
    """The text holds no document casatui can take; `str()` says where and why (the source named by the caller)."""


def read_documents(text: str) -> list[Any]:
    """The documents of `text`, in order (each a value as written: the caller checks it is an object)."""
    stripped = text.strip()
    if not stripped:
        raise Unreadable("holds no document")
    value = read_json(text)
    if not isinstance(value, ParseProblem):
        return value if isinstance(value, list) else [value]
    if not value.slip:
        raise Unreadable(f"line {value.line}, column {value.column}: {value.message}")
    if stripped.startswith("{"):  # JSON lines?
        lines = [read_json(line) for line in text.splitlines() if line.strip()]
        problems = [line for line in lines if isinstance(line, ParseProblem)]
        if not problems:
            return lines
        refused = next((problem for problem in problems if not problem.slip), None)
        if refused is not None:
            raise Unreadable(f"{refused.message} (in a JSON line)")
    if stripped.startswith(("{", "[")):
        raise Unreadable(f"not JSON: line {value.line}, column {value.column}: {value.message}")
    return _shallow(_read_yaml(text))


def _read_yaml(text: str) -> list[Any]:
    import yaml

    try:
        loaded = list(yaml.load_all(text, Loader=_loader()))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise Unreadable(f"neither JSON nor YAML: {where}{problem}") from None
    except RecursionError:
        raise Unreadable(f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    documents: list[Any] = []
    for value in loaded:
        if isinstance(value, list):
            documents.extend(value)
        elif value is not None:  # an empty YAML document (a trailing ---)
            documents.append(value)
    if not documents:
        raise Unreadable("holds no document")
    return documents


def _shallow(documents: list[Any]) -> list[Any]:
    """`documents`, when none nests deeper than a server's answer may (what handles them recurses)."""
    stack = [(document, 1) for document in documents]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Unreadable(f"nested more than {MAX_JSON_DEPTH} levels deep")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return documents


_LOADER: Any = None


def _loader() -> Any:
    """A safe loader that leaves timestamps as text and refuses aliases (made once: yaml is imported lazily)."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not read: write the value out",
                                                  event.start_mark)  # fmt: skip
            return super().compose_node(parent, index)

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _LOADER = Loader
    return Loader
