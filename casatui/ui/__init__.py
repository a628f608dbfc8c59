"""casatui's Textual application: screens, widgets, styles, palette commands and the action registry."""
