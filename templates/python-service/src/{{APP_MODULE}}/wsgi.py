"""The WSGI entry point gunicorn loads (`{{APP_MODULE}}.wsgi:app`)."""

from .app import create_app

app = create_app()
