"""``python -m boligmonitor.cli``: the command line, as the ``boligmonitor`` script runs it."""

import sys

from boligmonitor.cli import main

sys.exit(main())
