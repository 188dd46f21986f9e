"""WSGI entry point for production servers: settings come from ``CISEM_*`` variables."""

from .web import create_app

app = create_app()
