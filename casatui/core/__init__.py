"""The app without a screen: logic the TUI, the scripting subcommands and scripts share. Never imports Textual
or Rich (a test enforces it); may import `casatui.api` and `casatui.config`."""
