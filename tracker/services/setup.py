"""Creating the database, organisation settings, and loading the demo registry."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..store import connection, migrations
from ..store import registry_queries as q
from .context import Context

ORGANISATION_NAME = "organisation_name"
ORGANISATION_NAME_EN = "organisation_name_en"
ORGANISATION_ADDRESS = "organisation_address"
ORGANISATION_NUMBER = "organisation_corporate_number"


def initialise(db_path: Path) -> None:
    """Create the file if needed and bring its schema up to date (idempotent)."""
    migrations.migrate(db_path)


def is_empty(db_path: Path) -> bool:
    with connection.reading(db_path) as db:
        counts = q.registry_counts(db)
    return counts["parties"] == 0 and counts["businesses"] == 0


def _settings(ctx: Context) -> dict[str, str]:
    with ctx.read() as db:
        return dict(db.execute("SELECT key, value FROM settings").fetchall())


def organisation_name(ctx: Context, lang: str = "ja") -> str:
    """Our own company's name, the root of every chain."""
    rows = _settings(ctx)
    if lang == "en" and rows.get(ORGANISATION_NAME_EN):
        return rows[ORGANISATION_NAME_EN]
    return rows.get(ORGANISATION_NAME) or ("自社" if lang == "ja" else "Our organisation")


def organisation_address(ctx: Context) -> tuple[str, str]:
    """(address, 法人番号) of our own company, for documents we sign; empty when not set."""
    rows = _settings(ctx)
    return rows.get(ORGANISATION_ADDRESS, ""), rows.get(ORGANISATION_NUMBER, "")


def set_organisation(db_path: Path, name: str, name_en: str = "", address: str = "", corporate_number: str = "") -> None:
    with connection.writing(db_path) as db:
        for key, value in ((ORGANISATION_NAME, name), (ORGANISATION_NAME_EN, name_en),
                           (ORGANISATION_ADDRESS, address), (ORGANISATION_NUMBER, corporate_number)):
            db.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
                       [key, value, value])


class DemoError(Exception):
    pass


def load_demo(ctx: Context, source: Path) -> dict[str, int]:
    """Load the demo registry through the services, so it obeys every rule a user's entry does."""
    from .demo_loader import load

    if not is_empty(ctx.db_path):
        raise DemoError(f"{ctx.db_path} already holds a registry; demo data goes into an empty database")
    with source.open("rb") as handle:
        spec = tomllib.load(handle)
    organisation = spec.get("organisation", {})
    set_organisation(ctx.db_path, organisation.get("name", "自社"), organisation.get("name_en", ""),
                     organisation.get("address", ""), organisation.get("corporate_number", ""))
    return load(ctx, spec)

