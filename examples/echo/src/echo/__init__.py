"""echo: a service made from the python-service template of the GitOps repository."""

from .app import create_app

__all__ = ["create_app"]
