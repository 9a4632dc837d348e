"""``circle``, the one command for every role: a package with one module per command group."""

from client.cli.app import app, main

__all__ = ["app", "main"]
