"""Configuration from the environment: the golden app's variables, feature flags, the app's own keys."""

import pytest

from echo.config import DEFAULT_PORT, ConfigError, Settings


def test_defaults_when_run_locally():
    s = Settings.from_env({})
    assert (s.app_name, s.env, s.region, s.log_level, s.port, dict(s.features)) == ("echo", "local", "", "info", DEFAULT_PORT, {})


def test_the_golden_app_variables():
    s = Settings.from_env({"APP_NAME": "echo", "APP_ENV": "prod", "APP_REGION": "eu-west-1", "LOG_LEVEL": "warn", "PORT": "9000"})
    assert (s.app_name, s.env, s.region, s.log_level, s.port) == ("echo", "prod", "eu-west-1", "warn", 9000)


def test_feature_flags_are_booleans_by_name():
    s = Settings.from_env({"FEATURE_INSTANT_REFUNDS": "true", "FEATURE_DARK_MODE": "false"})
    assert dict(s.features) == {"dark_mode": False, "instant_refunds": True}
    assert s.feature("instant_refunds") is True
    assert s.feature("dark_mode") is False
    assert s.feature("not_set") is False
    assert s.feature("not_set", default=True) is True


@pytest.mark.parametrize("env, message", [
    ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL: 'verbose' is not one of debug, info, warn, error"),
    ({"PORT": "http"}, "PORT: 'http' is not an integer"),
    ({"PORT": "70000"}, "PORT: 70000 is above 65535"),
    ({"FEATURE_DARK_MODE": "maybe"}, "FEATURE_DARK_MODE: 'maybe' is not a boolean"),
])
def test_a_bad_value_stops_the_app_with_the_variable_named(env, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        Settings.from_env(env)


def test_the_apps_own_config_keys():
    s = Settings.from_env({"PAGE_SIZE": "25", "CURRENCY": "EUR", "STRICT": "yes"})
    assert s.integer("PAGE_SIZE", 50, minimum=1) == 25
    assert s.integer("NOT_SET", 50) == 50
    assert s.string("CURRENCY", "USD") == "EUR"
    assert s.boolean("STRICT", False) is True
    with pytest.raises(ConfigError, match="PAGE_SIZE: 25 is above 10"):
        s.integer("PAGE_SIZE", 5, maximum=10)
