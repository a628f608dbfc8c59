"""`casatui api-docs`: the server's OpenAPI document as it was received, as JSON or YAML."""

from __future__ import annotations

import sys
from typing import Any

from ..core.safe_text import safe_json
from . import exits
from .output import yaml_text


async def run(args: Any, session: Any) -> int:
    document = await session.client.api_docs()
    if isinstance(document, (str, bytes)):  # a server that sends YAML
        from ..api.discovery import DiscoveryError, load_document

        try:
            document = load_document(document)
        except DiscoveryError as error:
            exits.say(f"The server's API document (/api-docs) cannot be read: {error}")
            return exits.SERVER
    if (args.output or "json") == "yaml":
        sys.stdout.write(yaml_text(document))
    else:
        sys.stdout.write(safe_json(document, indent=2) + "\n")
    return exits.OK
