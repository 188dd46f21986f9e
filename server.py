"""`app = create_app()`: the WSGI entry point (``gunicorn server:app``)."""

from cisem_graph.web import create_app

app = create_app()
