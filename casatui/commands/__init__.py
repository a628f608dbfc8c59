"""casatui without a screen: the subcommands (`get`, `api-docs`, `info`) for pipes and scripts. They share the
command line's flags, config and profiles with the TUI, use the core layer's profiles and filter language, and never
import Textual."""

PAGE_SIZE = 100  # `get` without --all or --limit: one page, and a note on stderr when there is more
FORMATS = ("table", "json", "jsonl", "yaml", "csv", "name")  # of `get -o`
