"""The review store: what it is to its users (protocol.py), its queries written once (base.py)
with each engine's dialect (dialect.py) and one current schema (schema.py); SQLite (sqlite.py),
PostgreSQL (postgres.py), and opening the one configured (open.py). It imports only the core."""
