"""The service's own routes (routes.py)."""


def test_index_says_where_the_app_runs(make_app):
    r = make_app(FEATURE_NEW_CHECKOUT="true").test_client().get("/")
    assert r.status_code == 200
    assert r.get_json() == {"app": "{{APP_NAME}}", "env": "test", "region": "local-1", "features": {"new_checkout": True}}
