"""/healthz, /readyz and the readiness checks, and the drain on SIGTERM."""

import logging
import os
import signal

import pytest

from {{APP_MODULE}}.health import Readiness, chain_sigterm


def test_healthz_answers_ok(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ok"}


def test_readyz_is_ready_without_checks(client):
    r = client.get("/readyz")
    assert r.status_code == 200
    assert r.get_json() == {"status": "ready", "checks": {}}


def test_readyz_reflects_the_dependencies(make_app):
    app = make_app()
    readiness = app.extensions["service"].readiness
    state = {"database": True}
    readiness.add("database", lambda: state["database"])
    readiness.add("cache", lambda: None)
    client = app.test_client()
    assert client.get("/readyz").get_json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok"}}

    state["database"] = False
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.get_json() == {"status": "not ready", "checks": {"database": "failing", "cache": "ok"}}
    # Liveness does not depend on dependencies.
    assert client.get("/healthz").status_code == 200


def test_a_check_that_raises_is_failing_with_its_reason(make_app):
    app = make_app()

    def broken():
        raise ConnectionError("connection refused")

    app.extensions["service"].readiness.add("queue", broken)
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["checks"] == {"queue": "error: ConnectionError: connection refused"}


def test_a_check_name_is_registered_once():
    readiness = Readiness()
    readiness.add("database", lambda: True)
    with pytest.raises(ValueError, match="registered already"):
        readiness.add("database", lambda: True)


def test_draining_makes_readyz_fail(make_app):
    app = make_app()
    app.extensions["service"].readiness.drain()
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    assert r.get_json()["status"] == "draining"


def test_sigterm_drains_then_runs_the_previous_handler():
    calls = []
    original = signal.signal(signal.SIGTERM, lambda signum, frame: calls.append(signum))
    try:
        readiness = Readiness()
        chain_sigterm(readiness, logging.getLogger("test"))
        os.kill(os.getpid(), signal.SIGTERM)
        assert readiness.draining
        assert calls == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, original)


def test_sigterm_without_a_previous_handler_exits_cleanly():
    original = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        readiness = Readiness()
        chain_sigterm(readiness, logging.getLogger("test"))
        with pytest.raises(SystemExit) as exited:
            os.kill(os.getpid(), signal.SIGTERM)
        assert exited.value.code == 0
        assert readiness.draining
    finally:
        signal.signal(signal.SIGTERM, original)
