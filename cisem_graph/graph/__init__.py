"""The graph side: files to a validated, published dataset version.

``sources`` (the files parsed into a pyoxigraph store) → ``validate`` (SHACL findings) → ``build``
(canonical content) → ``version`` (a dataset version on disk: dumps, checksums, manifest, store,
``dist/current``; ``dumps`` writes the dumps beyond N-Quads and N-Triples) → ``metadata`` and
``releases`` (the dataset described, numbered releases), and ``pipeline`` on top: the build and
the release end to end, the one module that needs metadata and releases. ``terms`` converts RDF
terms between pyoxigraph and rdflib. Imports go one way; the package imports nothing above it
(store, web, importer).
"""
