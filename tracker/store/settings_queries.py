"""The settings table: our organisation's own particulars (the rest of it is the app's bookkeeping:
the database revision, the audit head)."""

from __future__ import annotations

from sqlite_utils import Database

# our organisation's particulars, by their key in the table
ORGANISATION_NAME = "organisation_name"
ORGANISATION_NAME_EN = "organisation_name_en"
ORGANISATION_ADDRESS = "organisation_address"
ORGANISATION_NUMBER = "organisation_corporate_number"
ORGANISATION_REPRESENTATIVE_TITLE = "organisation_representative_title"
ORGANISATION_REPRESENTATIVE_NAME = "organisation_representative_name"


def all_settings(db: Database) -> dict[str, str]:
    """Every setting, key → value."""
    return dict(db.execute("SELECT key, value FROM settings").fetchall())


def settings_of(db: Database, keys: list[str]) -> dict[str, str]:
    """The settings of these keys that are set."""
    marks = ", ".join("?" for _ in keys)
    return dict(db.execute(f"SELECT key, value FROM settings WHERE key IN ({marks})", keys).fetchall())


def put(db: Database, values: dict[str, str]) -> None:
    """Set each key to its value (inside the caller's transaction; the caller records the audit)."""
    for key, value in values.items():
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [key, value])
