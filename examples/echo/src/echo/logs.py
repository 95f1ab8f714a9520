"""Structured logs: one JSON object per line on stdout, at the level LOG_LEVEL says.

Each line has `time` (UTC, ISO 8601), `level`, `logger`, `message`, the app's `app`, `env` and
`region`, and every field passed with `extra=`:

    log.info("order paid", extra={"order": order_id, "amount": amount})

Gunicorn's own messages go through the same formatter (`dict_config`, used by gunicorn_conf).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional

from .config import Settings

#: LOG_LEVEL -> the logging module's level.
LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}
_NAMES = {"DEBUG": "debug", "INFO": "info", "WARNING": "warn", "ERROR": "error", "CRITICAL": "critical"}

# The attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON; `static` fields (app, env, region) go on every line."""

    def __init__(self, static: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__()
        self.static = dict(static or {})

    def format(self, record: logging.LogRecord) -> str:
        entry: Dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": _NAMES.get(record.levelname, record.levelname.lower()),
            "logger": record.name,
            "message": record.getMessage(),
            **self.static,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def static_fields(settings: Settings) -> Dict[str, str]:
    return {"app": settings.app_name, "env": settings.env, "region": settings.region}


def configure(settings: Settings) -> None:
    """Gives the root logger exactly one JSON handler (on stdout) and the level of LOG_LEVEL.

    Handlers that are not JSON handlers stay (e.g. pytest's log capture), so calling it again (an
    app factory called twice) never doubles the lines.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(static_fields(settings)))
    root.addHandler(handler)
    root.setLevel(LEVELS[settings.log_level])


def dict_config(settings: Settings) -> Dict[str, Any]:
    """The same set-up as a logging.config dictionary, for gunicorn's `logconfig_dict`."""
    level = logging.getLevelName(LEVELS[settings.log_level])
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter", "static": static_fields(settings)}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            # The app logs every request itself (one line with route, status and duration).
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
