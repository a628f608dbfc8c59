"""Short names of collections, as k9s and kubectl have them: `casatui get kb`, `:kb` in the TUI, `--resource kb`.

Two sources: the built-in short names of CloudCasa's collections (`SHORT_NAMES`), and the user's `[aliases]` table
of the config file, which wins over a built-in one of the same name. Every alias is only a candidate: one whose
collection the server's API document does not have is not offered (and never an error when nothing names it); a
user's such alias is said when a command names it, and by `problems()` once the document is known. A collection's
own name always means that collection: the config refuses a user alias that is one, and an alias the server turns
out to have as a collection gives way to it (`problems()` says so for a user's).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

# CloudCasa's collections by the short names their users type (k9s style: an abbreviation or the singular). The
# initials the fuzzy finder derives (`kb`, `kr`) are listed too where they are the name people use, so that the
# scripting subcommands, which match names exactly, know them.
SHORT_NAMES: Mapping[str, str] = {
    "job": "jobs",
    "kb": "kubebackups",
    "kr": "kuberestores",
    "ko": "kubeoffloads",
    "pol": "policies",
    "cl": "kubeclusters",
    "ns": "kubenamespaces",
    "pvc": "kubepvclaims",
    "sc": "kubestorageclasses",
    "hook": "kubehooks",
    "bi": "backupinstances",
    "os": "objectstores",
    "ca": "cloudaccounts",
    "alert": "alerts",
    "eks": "awseksclusters",
    "aks": "azureaksclusters",
    "ug": "usergroups",
}


@dataclass(frozen=True)
class Aliases:
    """The built-in short names and the user's aliases (`user`, from `origin`: "<config file>: [aliases]")."""

    user: Mapping[str, str] = field(default_factory=dict)
    origin: str = "[aliases]"

    def table(self) -> dict[str, str]:
        """alias -> collection, the user's over the built-in ones."""
        return {**SHORT_NAMES, **self.user}

    def offered(self, collections: Collection[str]) -> dict[str, str]:
        """The aliases whose collection is among `collections` and that are not themselves one of them."""
        return {
            alias: target
            for alias, target in self.table().items()
            if target in collections and alias not in collections
        }

    def by_collection(self, collections: Collection[str]) -> dict[str, tuple[str, ...]]:
        """collection -> its offered aliases (for the `:` jump, the palette and completion)."""
        found: dict[str, list[str]] = {}
        for alias, target in self.offered(collections).items():
            found.setdefault(target, []).append(alias)
        return {target: tuple(names) for target, names in found.items()}

    def names(self, titles: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
        """collection -> the names the `:` jump and the palette find it by (`titles`: collection -> its title): its
        own, its title, their initials and its aliases, less a derived name that is another's alias (`ko`, the
        initials of kubeoffloads, is kuberestores' when the user says so: typed, it finds that one first)."""
        from .fuzzy import collection_names

        offered = self.offered(titles)
        short = self.by_collection(titles)
        found = {}
        for name, title in titles.items():
            names = collection_names(name, title, short.get(name, ()))
            found[name] = tuple(n for n in names if n == names[0] or offered.get(n, name) == name)
        return found

    def resolve(self, name: str, collections: Collection[str] | None = None) -> str:
        """The collection `name` means: itself when it is one of `collections` (or no alias has it), else the
        collection of its alias. With `collections` None (the server's document is not known yet) every alias
        counts; else only an offered one."""
        if collections is not None:
            if name in collections:
                return name
            return self.offered(collections).get(name, name)
        return self.table().get(name, name)

    def explain(self, name: str, collections: Collection[str]) -> str:
        """Why `name` names no collection of `collections`, when it is an alias: "" when it is not one."""
        target = self.table().get(name)
        if target is None or target in collections:
            return ""
        whose = f"{self.origin} makes it" if name in self.user else "it is the built-in short name of"
        return f"{name}: {whose} {target}, which the server's API document does not have"

    def problems(self, collections: Collection[str]) -> list[str]:
        """What is wrong with the user's aliases against the server's document: one that names a collection the
        document lacks, or that is a collection of the document's (the collection wins)."""
        said = []
        for alias, target in self.user.items():
            if alias in collections:
                said.append(f"{self.origin}: {alias} is a collection of this server: the alias is ignored")
            elif target not in collections:
                said.append(f"{self.origin}: {alias} = {target!r}: the server's API document has no such collection")
        return said
