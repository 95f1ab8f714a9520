"""The service's own routes: this is the file to change.

`register` is called once by `create_app`, after the platform's endpoints are in place. Add routes
(a Blueprint), readiness checks for the service's dependencies, and read the service's config:

    service.readiness.add("database", lambda: db.ping(timeout=1))
    page_size = service.settings.integer("PAGE_SIZE", 50, minimum=1)   # a `config` key of the app spec
    if service.settings.feature("new_checkout"): ...                    # FEATURE_NEW_CHECKOUT
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, Flask, jsonify

if TYPE_CHECKING:  # pragma: no cover
    from .app import Service


def register(app: Flask, service: "Service") -> None:
    bp = Blueprint("routes", __name__)

    @bp.get("/")
    def index():
        s = service.settings
        return jsonify(app=s.app_name, env=s.env, region=s.region, features=dict(s.features))

    app.register_blueprint(bp)
