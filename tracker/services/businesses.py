"""Entrusted businesses (委託業務): payroll, health-check data, call centre … each with an owner."""

from __future__ import annotations

from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..store import records
from ..store import registry_queries as q
from . import revision_cache
from .context import Context


def _check(db, name: str, department: str, own_id: int | None) -> list[Problem]:
    problems = []
    if not name:
        problems.append(Problem("name", "error.required"))
    if not department:
        problems.append(Problem("owner_department", "error.required"))
    clash = q.business_named(db, name)
    if name and clash and clash != own_id:
        problems.append(Problem("name", "error.business.duplicate"))
    return problems


def create_business(ctx: Context, name: str, owner_department: str, description: str = "", name_en: str = "") -> int:
    """Create an entrusted business; returns its id. Raises RuleViolation, PermissionDenied."""
    name, owner_department = name.strip(), owner_department.strip()
    with ctx.write(Action.EDIT_REGISTRY) as db:
        raise_if_any(_check(db, name, owner_department, None))
        values = {"name": name, "owner_department": owner_department, "description": description.strip() or None,
                  "name_en": name_en.strip() or None}
        return records.insert(db, "businesses", values, ctx.actor.username)


def update_business(
    ctx: Context, business_id: int, expected_version: int, name: str, owner_department: str, description: str = "",
    name_en: str = ""
) -> None:
    """Save an edited business. Raises RuleViolation, StaleRecord, PermissionDenied."""
    name, owner_department = name.strip(), owner_department.strip()
    with ctx.write(Action.EDIT_REGISTRY) as db:
        raise_if_any(_check(db, name, owner_department, business_id))
        values = {"name": name, "owner_department": owner_department, "description": description.strip() or None,
                  "name_en": name_en.strip() or None}
        records.update(db, "businesses", business_id, expected_version, values, ctx.actor.username)


def list_businesses(ctx: Context) -> list[dict]:
    """Every business with its count of links, by name. Most screens' filters list them: read once
    per change of businesses or links and shared (at 50,000 parties counting the links of 500
    businesses on every rerun was a seventh of the server's time under load). Not to be mutated."""
    def read() -> list[dict]:
        with ctx.read() as db:
            return q.businesses(db)
    return revision_cache.per_revision(ctx, "businesses", read, tables=("businesses", "engagements"))
