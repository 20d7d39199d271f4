"""`python -m divtui`: the command line, which lives in divtui.cli."""

import sys

from divtui.cli import main

sys.exit(main())
