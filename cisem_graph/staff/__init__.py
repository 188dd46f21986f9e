"""Publishing by the Chamber's staff, without a terminal: accounts, uploads checked and previewed
apart from what is served, publish and undo as background jobs, and their history.

The web's staff area (``web.staff``) is a door onto this package, as the CLI is onto ``graph`` and
``importer``: everything that writes ``data/`` or switches the served version happens here, under
the publish lock (``cisem_graph.lock``), through the importer's and reload's own functions.
"""
