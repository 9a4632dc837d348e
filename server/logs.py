"""Logging setup that keeps share text out of every log, at every level.

The ``websockets`` library prints whole frames at DEBUG (share text included), and at INFO it
repeats each connection the hub already logs, so its loggers stay at WARNING or above whatever
level the operator asks for.
"""

from __future__ import annotations

import logging
import logging.config

LEVELS = ("debug", "info", "warning", "error")


def configure(level: str = "info", *, stream: str = "ext://sys.stderr") -> None:
    app_level = level.upper()
    library_level = "WARNING" if app_level in ("DEBUG", "INFO") else app_level
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "plain": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"}
            },
            "handlers": {
                "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": stream}
            },
            "root": {"level": app_level, "handlers": ["stderr"]},
            "loggers": {
                "websockets": {"level": library_level},
                "websockets.server": {"level": library_level},
                "websockets.client": {"level": library_level},
            },
        }
    )
