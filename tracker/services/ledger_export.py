"""The ledger workbook: an empty template, or the registry in the form the import reads."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from ..domain.permissions import Action
from ..outputs import ledger_workbook
from ..store import connection, ledger_queries
from .catalogue import catalogue
from .context import Context


def write_ledger(ctx: Context, target: str | Path | IO[bytes], lang: str, with_registry: bool) -> None:
    """Write the ledger workbook to ``target``: the registry in the import's form, or with
    ``with_registry`` False an empty template. Raises PermissionDenied."""
    ctx.require(Action.READ)
    clauses = list(catalogue())
    if not with_registry:
        ledger_workbook.write(target, lang, clauses, None)
        return
    with connection.reading(ctx.db_path) as db:
        rows = {name: getattr(ledger_queries, name)(db)
                for name in ("parties", "engagements", "coverage", "contracts", "certifications")}
        ledger_workbook.write(target, lang, clauses, rows)
