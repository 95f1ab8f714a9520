"""The container contract, with the server run as the Dockerfile's CMD runs it (gunicorn and
gunicorn_conf): it listens on PORT, serves the probes and metrics, writes nothing outside /tmp (the
root filesystem is read-only in the cluster), logs JSON only, and stops cleanly on SIGTERM."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_server_serves_logs_json_writes_only_tmp_and_stops_on_sigterm(server):
    s = server(FEATURE_NEW_CHECKOUT="true")
    assert s.get("/healthz")[0] == 200
    status, _, body = s.get("/readyz")
    assert (status, json.loads(body)) == (200, {"status": "ready", "checks": {}})
    status, headers, body = s.get("/metrics")
    assert status == 200
    assert b"# TYPE " in body
    assert s.get("/no-such-page")[0] == 404

    code, lines, err = s.stop()
    assert code == 0, err
    assert "WRITE-OUTSIDE-TMP" not in err, err
    messages = [line["message"] for line in lines]
    assert "started" in messages
    assert "SIGTERM: draining" in messages
    assert any(line.get("route") == "<unmatched>" and line.get("status") == 404 for line in lines)
    # gunicorn's own lines are JSON too, with the app's identity.
    gunicorn = [line for line in lines if line["logger"] == "gunicorn.error"]
    assert gunicorn and all(line["app"] == "{{APP_NAME}}" for line in gunicorn)


def test_the_dockerfile_keeps_the_contract():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    stages = set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", dockerfile, re.M | re.I))
    for base in bases:
        assert base in stages or re.search(r"@sha256:[0-9a-f]{64}$", base), f"FROM {base}: not pinned by digest"
    assert re.search(r"^USER 10001(:10001)?$", dockerfile, re.M)
    cmd = re.findall(r"^CMD (.*)$", dockerfile, re.M)
    assert cmd == ['["gunicorn", "--config", "python:{{APP_MODULE}}.gunicorn_conf", "{{APP_MODULE}}.wsgi:app"]']
