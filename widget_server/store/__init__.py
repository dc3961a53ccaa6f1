"""The review store: SQLite and the queries both engines speak (sqlite.py), PostgreSQL (postgres.py), and
opening the one configured (open.py). It imports only the core."""
