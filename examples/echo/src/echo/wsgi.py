"""The WSGI entry point gunicorn loads (`echo.wsgi:app`)."""

from .app import create_app

app = create_app()
