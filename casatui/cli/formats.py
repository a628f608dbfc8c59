"""What `casatui get` prints by default, and the formats it knows (here so that naming them imports no writer)."""

PAGE_SIZE = 100  # `get` without --all or --limit: one page, and a note on stderr when there is more
FORMATS = ("table", "json", "jsonl", "yaml", "csv", "name")  # of `get -o`
