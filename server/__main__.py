"""``python -m server``: the hub alone (same flags as ``circle hub``)."""

import sys

from server.cli import main

sys.exit(main())
