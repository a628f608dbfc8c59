"""casatui: a terminal explorer and editor for the CloudCasa REST API."""

__version__ = "0.1.0"
