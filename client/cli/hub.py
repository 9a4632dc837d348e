"""``circle hub``: the hub's own command (``server/cli.py``), so that ``python -m server`` takes
exactly the same flags and the limits' defaults are read from one place."""

from server.api import hub_command as hub

__all__ = ["hub"]
