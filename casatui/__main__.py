"""`python -m casatui` runs the `casatui` command."""

import sys

from .cli import main

sys.exit(main())
