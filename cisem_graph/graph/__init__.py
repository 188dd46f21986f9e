"""The graph side: files to a validated, published dataset version.

Read in this order, each module importing only those before it: ``sources`` (the files parsed),
``validate`` (SHACL findings) and ``revalidate`` (only what a change can affect), ``version`` (a
dataset version on disk: dumps, checksums, manifest, store, ``dist/current``), ``build`` (canonical
content and dumps), ``releases`` and ``metadata`` (the dataset described), and ``pipeline`` on top:
the build and the release end to end.
"""
