"""What an import matches its rows with: the records already in the registry."""

from __future__ import annotations

from sqlite_utils import Database


def _id(row) -> int | None:
    return row[0] if row else None



def link_placed(db: Database, business_id: int, parent_id: int | None, entrustee_id: int) -> int | None:
    """The link of this entrustee under this parent in this business."""
    return _id(db.execute("SELECT id FROM engagements WHERE business_id = ? AND parent_engagement_id IS ? "
                          "AND entrustee_party_id = ? ORDER BY id LIMIT 1", [business_id, parent_id, entrustee_id])
               .fetchone())


def business(db: Database, name: str) -> tuple[int, str, int] | None:
    """(id, owning department, version) of the business of this name."""
    return db.execute("SELECT id, owner_department, version FROM businesses WHERE name = ?", [name]).fetchone()


def contract_titled(db: Database, engagement_id: int, title: str) -> int | None:
    """The contract of a link with exactly this title, or None (re-import matches by it)."""
    return _id(db.execute("SELECT id FROM contracts WHERE engagement_id = ? AND title = ?",
                          [engagement_id, title]).fetchone())


def certification(db: Database, party_id: int, scheme: str, number: str) -> int | None:
    """The certification of a party with this scheme and number, or None."""
    return _id(db.execute("SELECT id FROM certifications WHERE party_id = ? AND scheme = ? AND number = ?",
                          [party_id, scheme, number]).fetchone())


def our_names(db: Database) -> list[str]:
    """Our organisation's names (Japanese and English), as approvers are written in ledgers."""
    return [r[0] for r in db.execute(
        "SELECT value FROM settings WHERE key IN ('organisation_name', 'organisation_name_en') AND value <> ''")]
