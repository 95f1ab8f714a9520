"""Configuration from the environment, as the GitOps repository's golden app sets it.

Every pod gets APP_NAME, APP_ENV, APP_REGION and LOG_LEVEL (a ConfigMap read as environment
variables), its port in PORT (the app spec's `portEnv`), one FEATURE_<FLAG> variable per feature
flag ("true" or "false"), and the app's own `config` keys. Settings are read once, when the app
starts: a value the app cannot use stops it before it serves anything, with the variable named.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping, Optional

#: The app's name when APP_NAME is not set (running locally).
APP_NAME = "echo"
#: The port when PORT is not set; the container's and the app spec's port.
DEFAULT_PORT = 8080
#: LOG_LEVEL's values, as the GitOps repository allows them.
LOG_LEVELS = ("debug", "info", "warn", "error")

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class ConfigError(ValueError):
    """A variable holds a value the app cannot use; the message names it."""


def parse_bool(name: str, value: str) -> bool:
    """"true"/"false" (as the golden app writes flags), also 1/0, yes/no, on/off; anything else is an error."""
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ConfigError(f"{name}: {value!r} is not a boolean (true or false)")


def _integer(name: str, value: str, minimum: Optional[int], maximum: Optional[int]) -> int:
    try:
        n = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name}: {value!r} is not an integer") from None
    if minimum is not None and n < minimum:
        raise ConfigError(f"{name}: {n} is below {minimum}")
    if maximum is not None and n > maximum:
        raise ConfigError(f"{name}: {n} is above {maximum}")
    return n


@dataclass(frozen=True)
class Settings:
    """What the app knows about where it runs. Build it with `Settings.from_env()`."""

    app_name: str
    env: str
    region: str
    log_level: str
    port: int
    #: FEATURE_INSTANT_REFUNDS=true -> {"instant_refunds": True}
    features: Mapping[str, bool]
    environ: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        e = dict(os.environ if environ is None else environ)
        level = e.get("LOG_LEVEL", "info").strip().lower()
        if level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL: {level!r} is not one of {', '.join(LOG_LEVELS)}")
        features = {
            key[len("FEATURE_"):].lower(): parse_bool(key, value)
            for key, value in sorted(e.items())
            if key.startswith("FEATURE_") and len(key) > len("FEATURE_")
        }
        return cls(
            app_name=e.get("APP_NAME", APP_NAME),
            env=e.get("APP_ENV", "local"),
            region=e.get("APP_REGION", ""),
            log_level=level,
            port=_integer("PORT", e["PORT"], 1, 65535) if "PORT" in e else DEFAULT_PORT,
            features=features,
            environ=e,
        )

    def feature(self, name: str, default: bool = False) -> bool:
        """A feature flag by its name: `feature("instant_refunds")` reads FEATURE_INSTANT_REFUNDS."""
        return self.features.get(name.lower(), default)

    def string(self, key: str, default: str) -> str:
        """One of the app's own `config` keys, or the default when it is not set."""
        return self.environ.get(key, default)

    def integer(self, key: str, default: int, minimum: Optional[int] = None, maximum: Optional[int] = None) -> int:
        """An integer `config` key (checked against the bounds), or the default when it is not set."""
        if key not in self.environ:
            return default
        return _integer(key, self.environ[key], minimum, maximum)

    def boolean(self, key: str, default: bool) -> bool:
        """A boolean `config` key, or the default when it is not set."""
        if key not in self.environ:
            return default
        return parse_bool(key, self.environ[key])
