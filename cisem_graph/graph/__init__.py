"""The graph side: files to a validated, published dataset version.

The flow: ``sources`` (the files parsed into a pyoxigraph store, a named graph per file) →
``validate`` (SHACL findings) → ``build`` (canonical N-Quads lines) → ``version`` (a dataset version
on disk: ``cisem.nq``, ``cisem.nt``, the store, checksums, manifest, ``dist/current``; ``dumps``
writes the other dumps) → ``metadata`` and ``releases`` (the dataset described, numbered
releases); ``pipeline`` runs the build and the release end to end, the one module that needs
metadata and releases. ``terms`` converts RDF terms between pyoxigraph and rdflib.

Imports go one way, with no cycle: ``terms`` and ``version`` need nothing here; ``dumps`` needs
``version``; ``releases`` needs ``version`` and ``dumps``; ``metadata`` needs ``releases``;
``build`` needs ``metadata`` (the statistics it takes of the parsed store); ``pipeline`` needs
them all. Nothing here imports the store, the web layer or the importer.
"""
