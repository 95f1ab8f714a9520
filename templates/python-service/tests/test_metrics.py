"""/metrics: the Prometheus text format, from a registry of the app's own."""


def test_metrics_answer_in_the_prometheus_text_format(client):
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")  # the Prometheus text format
    text = r.get_data(as_text=True)
    # What the GitOps repository's PostSync smoke test looks for.
    assert "# TYPE " in text
    assert "# TYPE http_requests_total counter" in text
    assert "python_info" in text


def test_requests_are_counted_by_method_route_and_code(client, sample):
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    text = client.get("/metrics").get_data(as_text=True)
    assert sample(text, "http_requests_total", method="GET", route="/healthz", code="200") == 2.0
    # Unknown paths share one label value: the label set stays small whatever clients ask for.
    assert sample(text, "http_requests_total", method="GET", route="<unmatched>", code="404") == 1.0
    assert sample(text, "http_request_duration_seconds_count", method="GET", route="/healthz") == 2.0
    assert sample(text, "app_info", app="{{APP_NAME}}", env="test", region="local-1") == 1.0


def test_an_app_factory_called_twice_has_two_registries_and_no_duplicate_error(make_app, sample):
    # With prometheus_client's global REGISTRY the second create_app would raise
    # "Duplicated timeseries in CollectorRegistry".
    first, second = make_app(), make_app()
    first.test_client().get("/healthz")
    text_first = first.test_client().get("/metrics").get_data(as_text=True)
    text_second = second.test_client().get("/metrics").get_data(as_text=True)
    assert sample(text_first, "http_requests_total", method="GET", route="/healthz", code="200") == 1.0
    assert sample(text_second, "http_requests_total", method="GET", route="/healthz", code="200") is None
    assert first.extensions["service"].metrics.registry is not second.extensions["service"].metrics.registry
