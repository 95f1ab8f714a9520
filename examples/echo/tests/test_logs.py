"""Structured logs: JSON lines on stdout, at LOG_LEVEL."""

import json
import logging


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_line_is_json_with_the_apps_identity(make_app, capsys):
    client = make_app().test_client()
    client.get("/no-such-page")
    lines = json_lines(capsys.readouterr().out)
    assert lines, "nothing logged"
    for line in lines:
        assert {"time", "level", "logger", "message", "app", "env", "region"} <= set(line)
        assert (line["app"], line["env"], line["region"]) == ("echo", "test", "local-1")
    request = [line for line in lines if line["message"] == "request"]
    assert len(request) == 1
    assert request[0]["level"] == "info"
    assert (request[0]["method"], request[0]["route"], request[0]["path"], request[0]["status"]) == ("GET", "<unmatched>", "/no-such-page", 404)
    assert isinstance(request[0]["duration_ms"], float)


def test_log_level_filters(make_app, capsys):
    client = make_app(LOG_LEVEL="warn").test_client()
    client.get("/no-such-page")
    logging.getLogger("echo").warning("disk almost full", extra={"free_bytes": 1024})
    lines = json_lines(capsys.readouterr().out)
    assert [(line["level"], line["message"]) for line in lines] == [("warn", "disk almost full")]
    assert lines[0]["free_bytes"] == 1024


def test_probes_and_scrapes_are_logged_at_debug_only(make_app, capsys):
    make_app().test_client().get("/healthz")
    assert [line for line in json_lines(capsys.readouterr().out) if line["message"] == "request"] == []
    make_app(LOG_LEVEL="debug").test_client().get("/healthz")
    request = [line for line in json_lines(capsys.readouterr().out) if line["message"] == "request"]
    assert [(line["level"], line["route"]) for line in request] == [("debug", "/healthz")]


def test_an_app_factory_called_twice_does_not_double_the_lines(make_app, capsys):
    make_app()
    client = make_app().test_client()
    capsys.readouterr()
    client.get("/no-such-page")
    assert len([line for line in json_lines(capsys.readouterr().out) if line["message"] == "request"]) == 1


def test_an_unhandled_error_is_a_json_500_and_one_log_line_with_the_traceback(make_app, capsys):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaput")

    r = app.test_client().get("/boom")
    assert r.status_code == 500
    assert r.get_json() == {"error": "Internal Server Error", "status": 500}
    errors = [line for line in json_lines(capsys.readouterr().out) if line["level"] == "error"]
    assert len(errors) == 1
    assert "RuntimeError: kaput" in errors[0]["exception"]
