"""Where the API lives: normalising what people type (`cc.example.com`) into an API root URL."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, quote, unquote, urlsplit, urlunsplit

from .errors import ClientRefusal

DEFAULT_ROOT = "https://api.cloudcasa.io/api/v1"
API_PATH = "/api/v1"
MAX_ROOT_LENGTH = 2000  # every request's URL starts with the root; servers refuse URLs of 8 KB or so


class RootError(ValueError):
    """An API root that cannot be used; the message says why and what to do."""


class UnsafePath(ClientRefusal):
    """A path casatui will not build: it would leave the API root, or address a collection instead of a document."""

    title = "Not sent: unsafe address"


# A segment of a collection or action name: RFC 3986's unreserved characters only, so no "/", "?", "#", "%",
# space or control character can change what the URL means; and never "." or ".." (nor "...": servers differ).
_NAME_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


_VERSIONED = re.compile(r"/v\d+$")  # a root that names its API version itself


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_BARE_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_PORT = re.compile(r"[0-9]+(?:/|$)")
_LABEL = re.compile(r"[^\W][\w-]{0,62}")  # letters and digits of any script (IDN), "-" and "_"


def _valid_host(host: str, *, bracketed: bool) -> bool:
    """An IP address, or a DNS name whose labels are 1-63 letters, digits, "-" or "_" (253 characters at most)."""
    if bracketed or host.replace(".", "").isdigit():
        try:
            return bracketed == (ipaddress.ip_address(host).version == 6)
        except ValueError:
            return False
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    return len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels)


def _split(text: str) -> SplitResult:
    """`urlsplit`, refusing a bracketed host that is no IPv6 address on every Python: 3.11.4 and later refuse it in
    `urlsplit` itself, 3.10 splits `https://[zz]/` without a word."""
    parts = urlsplit(text)
    if "[" in parts.netloc and "]" in parts.netloc:
        bracketed = parts.netloc.partition("[")[2].partition("]")[0]
        if isinstance(ipaddress.ip_address(bracketed), ipaddress.IPv4Address):  # ValueError for a name
            raise ValueError("An IPv4 address cannot be in brackets")
    return parts


def normalize_root(url: str | None, *, allow_http: bool = False) -> str:
    """The API root for a URL or bare host: ending in `/api/v1`, unless it ends in a version of its own.

    `cc.example.com`, `https://cc.example.com/`, `https://cc.example.com/api` and `https://cc.example.com/api/v1/`
    all become `https://cc.example.com/api/v1`; `https://cc.example.com/v1` (the root CloudCasa's published document
    names) stays as it is. Plain http is accepted for loopback only, unless `allow_http`.
    """
    text = (url or "").strip()
    if not text:
        return DEFAULT_ROOT
    if len(text) > MAX_ROOT_LENGTH:
        raise RootError(f"The API URL is longer than {MAX_ROOT_LENGTH} characters.")
    if any(char.isspace() or not char.isprintable() for char in text):
        raise RootError("The API URL holds a space, a control character or an invisible one.")
    if "://" not in text:
        bare = _BARE_SCHEME.match(text)  # `javascript:…`, `file:/…`; `host:8443` is a host and a port
        if bare and not _PORT.match(text, bare.end()):
            raise RootError(f"The API URL must start with https:// (got {bare.group()}).")
        text = "https://" + text
    try:
        parts = _split(text)
    except ValueError as error:  # `http://[::1`, `https://[zz]/`
        raise RootError(f"The API URL {url!r} cannot be read: {error}.") from None
    try:
        port = parts.port
    except ValueError:  # `:99999`, `:abc`
        port = 0
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise RootError(f"The API URL must start with https:// (got {parts.scheme}://).")
    if not parts.hostname:
        raise RootError(f"The API URL {url!r} has no host name.")
    if port == 0:
        raise RootError(f"The API URL {url!r} has no valid port: a port is a number from 1 to 65535.")
    if not _valid_host(parts.hostname, bracketed="[" in parts.netloc):
        raise RootError(f"The API URL {url!r} has no valid host name (letters, digits, - and . or an IP address).")
    if parts.username or parts.password:
        raise RootError("Put the API token in a token source, not in the URL.")
    if parts.query or parts.fragment:
        raise RootError("The API URL must not carry a query (?...) or a fragment (#...).")
    if scheme == "http" and not allow_http and not is_loopback(parts.hostname):
        raise RootError(
            f"Refusing plain http:// to {parts.hostname}: the API token would cross the network unencrypted. "
            "Use https://, or allow plain http explicitly (casatui --allow-http) if this is really what you want."
        )
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH) or _VERSIONED.search(path):
        pass  # `/api/v1`, or a versioned root such as CloudCasa's document's own `/v1` (no `/api` in front)
    elif path.endswith("/api"):
        path += "/v1"
    else:
        path += API_PATH
    return urlunsplit((scheme, parts.netloc.lower(), path, "", ""))


def host_of(root: str) -> str:
    """The scheme and host of an API root, for `/api-docs` served at the host's top level."""
    parts = urlsplit(root)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def _dots_only(segment: str) -> bool:
    return not segment.strip(".")


def name_problem(name: str) -> str | None:
    """Why a collection (or action) name cannot be part of a URL under the API root, or None when it can.
    Names hold segments separated by single slashes ("rbac/permissions")."""
    if not isinstance(name, str) or not name:
        return "an empty name"
    for segment in name.split("/"):
        if not _NAME_SEGMENT.fullmatch(segment):
            shown = ascii(segment[:60])
            return f"the part {shown} holds characters a name cannot hold (only letters, digits and . _ ~ -)"
        if _dots_only(segment):
            return f"the part {segment[:10]!r} would leave the API root"
    return None


def resource_path(collection: str, *more: str) -> str:
    """`collection` (then `more` name segments, e.g. "action/run") as a path under the API root; UnsafePath when a
    part could leave the root or change the URL's meaning."""
    for name in (collection, *more):
        problem = name_problem(name)
        if problem:
            raise UnsafePath(
                f"casatui will not build a URL from {name[:80]!a}: {problem}. Nothing was sent.", path=name[:80]
            )
    return "/".join((collection, *more))


def item_path(collection: str, item_id: str, *more: str) -> str:
    """The path of one document (`collection/id`, then `more`). The id is percent-encoded whole, so it stays one
    segment; an empty id (which would address the whole collection) or one that decodes to dots is refused."""
    base = resource_path(collection)
    if not item_id:
        raise UnsafePath(
            f"The document of {collection} has no _id, so casatui has no address to send this to (the collection "
            "URL would act on every document). Nothing was sent.",
            path=f"{collection}/",
        )
    if _dots_only(unquote(item_id)):
        raise UnsafePath(
            f"The document id {item_id[:10]!r} would leave {collection}/. Nothing was sent.", path=collection
        )
    tail = resource_path(*more).split("/") if more else []
    return "/".join((base, quote(item_id, safe=""), *tail))
