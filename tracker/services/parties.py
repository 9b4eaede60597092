"""Registry of parties: processors, sub-processors and re-subcontractors alike."""

from __future__ import annotations


from ..domain.corporate_number import normalise
from ..domain.party_rules import PartyDraft, check_party, normalised
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..store import records
from ..store import registry_queries as q
from .context import Context


def _row(draft: PartyDraft) -> dict:
    row = dict(vars(draft))  # flat: no deep copy (an import makes thousands)
    # optional text is stored as NULL, so that an empty corporate number never collides (UNIQUE)
    return {k: (v if v not in ("",) else None) for k, v in row.items()}


def _duplicate_number(db, draft: PartyDraft, own_id: int | None) -> list[Problem]:
    if not draft.corporate_number:
        return []
    other = q.party_by_corporate_number(db, draft.corporate_number)
    if other and other["id"] != own_id:
        return [Problem("corporate_number", "error.corporate_number.duplicate", {"name": other["name"]})]
    return []


def _check_parent_exists(db, draft: PartyDraft) -> list[Problem]:
    if draft.parent_party_id is not None and not q.party_exists(db, draft.parent_party_id):
        return [Problem("parent_party_id", "error.not_found")]
    return []


def create_party(ctx: Context, draft: PartyDraft) -> int:
    """Register a party; raises RuleViolation naming each field at fault, saving nothing."""
    draft = normalised(draft)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        raise_if_any(check_party(draft) + _duplicate_number(db, draft, None) + _check_parent_exists(db, draft))
        return records.insert(db, "parties", _row(draft), ctx.actor.username)


def update_party(ctx: Context, party_id: int, expected_version: int, draft: PartyDraft) -> None:
    """Save an edited party; refused with StaleRecord if someone else saved it in between."""
    draft = normalised(draft)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        q.party(db, party_id)  # raises NotFound
        descendants = q.descendant_party_ids(db, party_id)
        raise_if_any(
            check_party(draft, party_id, descendants)
            + _duplicate_number(db, draft, party_id)
            + _check_parent_exists(db, draft)
        )
        records.update(db, "parties", party_id, expected_version, _row(draft), ctx.actor.username)


def get_party(ctx: Context, party_id: int) -> dict:
    """A party with its parent's name. Raises NotFound."""
    with ctx.read() as db:
        row = q.party(db, party_id)
    return row


def search_parties(ctx: Context, text: str = "", country: str = "", limit: int = 50, offset: int = 0):
    """One page of parties matching name, kana or corporate number; returns (rows, total)."""
    with ctx.read() as db:
        return q.parties_page(db, text=text, country=country, limit=limit, offset=offset)


def id_of(ctx: Context, who: str) -> int | None:
    """The party ``who`` names: its 法人番号, its exact name, or its number (None: none does)."""
    text = who.strip()
    with ctx.read() as db:
        number = normalise(text)
        found = q.party_by_corporate_number(db, number) if number.isdigit() and len(number) == 13 else None
        if found is None:
            found = q.find_party(db, q.party_named(db, text) or (int(text) if text.isdigit() else 0))
    return found["id"] if found else None


def parties_after(ctx: Context, after_id: int, limit: int) -> list[dict]:
    """Up to ``limit`` parties by id after ``after_id``."""
    with ctx.read() as db:
        return q.parties_after(db, after_id, limit)


def party_choices(ctx: Context, text: str = "", limit: int = 50) -> list[dict]:
    """Parties matching the text, for a picker (at most ``limit``)."""
    with ctx.read() as db:
        return q.party_choices(db, text=text, limit=limit)
