"""POST /echo: the body back, within ECHO_MAX_BODY_BYTES."""

import json

import pytest

from echo.config import ConfigError
from echo.routes import DEFAULT_MAX_BODY_BYTES


def test_echo_returns_the_body_with_its_content_type(client):
    r = client.post("/echo", data=b'{"hello": "world"}', content_type="application/json")
    assert r.status_code == 200
    assert r.data == b'{"hello": "world"}'
    assert r.headers["Content-Type"] == "application/json"


def test_echo_of_nothing_is_nothing(client):
    # The PostSync smoke test of apps/echo.ts: POST /echo, expecting 200.
    r = client.post("/echo")
    assert (r.status_code, r.data, r.headers["Content-Type"]) == (200, b"", "application/octet-stream")


def test_binary_bodies_come_back_byte_for_byte(client):
    body = bytes(range(256)) * 4
    assert client.post("/echo", data=body, content_type="application/octet-stream").data == body


def test_the_default_limit(client):
    assert client.post("/echo", data=b"x" * DEFAULT_MAX_BODY_BYTES).status_code == 200
    assert client.post("/echo", data=b"x" * (DEFAULT_MAX_BODY_BYTES + 1)).status_code == 413


def test_a_body_above_echo_max_body_bytes_is_refused_with_413(make_app):
    client = make_app(ECHO_MAX_BODY_BYTES="10").test_client()
    assert client.post("/echo", data=b"0123456789").data == b"0123456789"
    r = client.post("/echo", data=b"0123456789A")
    assert r.status_code == 413
    assert r.get_json() == {"error": "Payload Too Large", "status": 413, "detail": "the body is larger than ECHO_MAX_BODY_BYTES (10 bytes)"}


def test_zero_allows_only_empty_bodies(make_app):
    client = make_app(ECHO_MAX_BODY_BYTES="0").test_client()
    assert client.post("/echo").status_code == 200
    assert client.post("/echo", data=b"x").status_code == 413


@pytest.mark.parametrize("value, message", [("lots", "ECHO_MAX_BODY_BYTES: 'lots' is not an integer"), ("-1", "ECHO_MAX_BODY_BYTES: -1 is below 0")])
def test_a_bad_limit_stops_the_app(make_app, value, message):
    with pytest.raises(ConfigError, match=message):
        make_app(ECHO_MAX_BODY_BYTES=value)


def test_only_post(client):
    assert client.get("/echo").status_code == 405


def test_echo_requests_are_counted(client, sample):
    client.post("/echo", data=b"hi")
    text = client.get("/metrics").get_data(as_text=True)
    assert sample(text, "http_requests_total", method="POST", route="/echo", code="200") == 1.0


def test_the_server_echoes_a_streamed_body_and_refuses_one_above_the_limit(server):
    # Through gunicorn, with Transfer-Encoding: chunked (no Content-Length): the limit still holds.
    s = server(ECHO_MAX_BODY_BYTES="16")

    def chunked(body):
        return s.request("POST", "/echo", data=iter([body[:5], body[5:]]), headers={"Content-Type": "text/plain", "Transfer-Encoding": "chunked"})

    status, headers, body = chunked(b"hello, echo")
    assert (status, body, headers["Content-Type"]) == (200, b"hello, echo", "text/plain")
    status, _, body = chunked(b"this is longer than sixteen bytes")
    assert status == 413
    assert json.loads(body)["status"] == 413
    code, _, err = s.stop()
    assert code == 0, err
