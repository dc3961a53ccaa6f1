"""The pure core: rules, models, options, snapshots, the document catalogue and rendering.

Nothing here imports Starlette, uvicorn, diskcache, sqlite3, the store or static_build
(tests/test_layering.py checks it). The store reads data into these types; the service and
the static build are thin edges that ask the catalogue which documents exist and call
`documents.render_document` for their bytes.
"""
