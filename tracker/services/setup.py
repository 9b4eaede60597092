"""Creating the database, organisation settings, and loading the demo registry."""

from __future__ import annotations

from pathlib import Path

from ..domain.corporate_number import normalise
from ..domain.corporate_number import problem as corporate_number_problem
from ..domain.limits import text_problems
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..store import connection, migrations, records
from ..store import settings_queries as sq
from ..store.settings_queries import (ORGANISATION_ADDRESS, ORGANISATION_NAME, ORGANISATION_NAME_EN, ORGANISATION_NUMBER,
                                      ORGANISATION_REPRESENTATIVE_NAME, ORGANISATION_REPRESENTATIVE_TITLE)
from ..store import registry_queries as q
from .context import Context



def initialise(db_path: Path) -> None:
    """Create the file if needed, bring its schema up to date and give its audit trail a key kept
    outside it (idempotent)."""
    migrations.migrate(db_path)
    from .audit import seal

    seal(db_path)


def is_empty(db_path: Path) -> bool:
    """Whether the database holds no party and no business yet (the demo data may go in)."""
    counts = registry_counts(db_path)
    return counts["parties"] == 0 and counts["businesses"] == 0


def registry_counts(db_path: Path) -> dict[str, int]:
    """How many records of each kind the database holds (``tracker info``: no user needed)."""
    with connection.reading(db_path) as db:
        return q.registry_counts(db)


def pending_migrations(db_path: Path) -> list[str]:
    """The names of the migrations not yet applied to the database."""
    return migrations.pending(db_path)


def _settings(ctx: Context) -> dict[str, str]:
    with ctx.read() as db:
        return sq.all_settings(db)


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


def organisation_representative(ctx: Context) -> tuple[str, str]:
    """(title, name) of who signs for our own company; empty when not set."""
    rows = _settings(ctx)
    return rows.get(ORGANISATION_REPRESENTATIVE_TITLE, ""), rows.get(ORGANISATION_REPRESENTATIVE_NAME, "")


ORGANISATION_FIELDS = {"name": ORGANISATION_NAME, "name_en": ORGANISATION_NAME_EN, "address": ORGANISATION_ADDRESS,
                       "corporate_number": ORGANISATION_NUMBER,
                       "representative_title": ORGANISATION_REPRESENTATIVE_TITLE,
                       "representative_name": ORGANISATION_REPRESENTATIVE_NAME}


def organisation(ctx: Context) -> dict[str, str]:
    """Every organisation setting by its form field (empty when not set)."""
    rows = _settings(ctx)
    return {field: rows.get(key, "") for field, key in ORGANISATION_FIELDS.items()}


def set_organisation(ctx: Context, name: str, name_en: str = "", address: str = "",
                     corporate_number: str = "", representative_title: str = "", representative_name: str = "") -> None:
    """Our own company's name, English name, address, 法人番号 and who signs for it (an
    administrator's setting), checked like a party's and recorded in the audit trail."""
    values = {ORGANISATION_NAME: name.strip(), ORGANISATION_NAME_EN: name_en.strip(),
              ORGANISATION_ADDRESS: address.strip(), ORGANISATION_NUMBER: normalise(corporate_number),
              ORGANISATION_REPRESENTATIVE_TITLE: representative_title.strip(),
              ORGANISATION_REPRESENTATIVE_NAME: representative_name.strip()}
    problems = [] if values[ORGANISATION_NAME] else [Problem("name", "error.required")]
    if values[ORGANISATION_NUMBER]:
        problems += [p for p in [corporate_number_problem(values[ORGANISATION_NUMBER])] if p]
    problems += text_problems({"name": values[ORGANISATION_NAME], "address": values[ORGANISATION_ADDRESS],
                                 "representative_title": values[ORGANISATION_REPRESENTATIVE_TITLE],
                                 "representative_name": values[ORGANISATION_REPRESENTATIVE_NAME]})
    raise_if_any(problems)
    with ctx.write(Action.MANAGE_USERS) as db:
        write_organisation(db, values, ctx.actor.username)


def write_organisation(db, values: dict[str, str], username: str) -> None:
    """The organisation settings inside an open transaction, with their audit record (setting up
    a new or demo database calls this directly: there is no user yet)."""
    before = sq.settings_of(db, list(values))
    sq.put(db, values)
    records.log(db, username, "update", "settings", None, before or None, values)
