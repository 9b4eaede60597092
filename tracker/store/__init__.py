"""SQLite through sqlite-utils: connections, schema migrations and queries."""
