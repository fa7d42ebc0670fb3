"""``python -m sim.app``: serve the teaching demo (see :mod:`sim.app.server`)."""

import sys

from sim.app.server import main

sys.exit(main())
