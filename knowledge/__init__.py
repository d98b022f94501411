"""The audits' learning as validated data, a SQLite knowledge database, and the search over it."""
