"""The registry as the ledger workbook lists it (raw rows; ``outputs.ledger_workbook`` words them)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlite_utils import Database

from .json_columns import listed


def parties(db: Database) -> Iterator[tuple]:
    """Parties with their parent company (法人番号, else name)."""
    return db.execute("""SELECT p.name, p.kana, p.corporate_number, p.address, p.country, p.contact_person, p.email,
                              p.phone, coalesce(parent.corporate_number, parent.name), p.name_en,
                              p.representative_title, p.representative_name
                       FROM parties p LEFT JOIN parties parent ON parent.id = p.parent_party_id ORDER BY p.id""")


def engagements(db: Database) -> Iterator[tuple]:
    """Links depth-first per business by their ledger numbers (the parent's too), with the re-delegation
    approval, the last inspection and the latest selection check; categories and countries as tuples of codes."""
    return ((*r[:7], listed(r[7]), r[8], listed(r[9]), listed(r[10]), *r[11:]) for r in db.execute("""SELECT e.ref, b.name, b.owner_department, pe.ref, p.corporate_number, p.name,
                              e.work, e.data_categories, e.individuals_count, e.processing_countries,
                              e.storage_countries, e.start_date, e.end_date, e.status,
                              a.status, a.decided_on, coalesce(ap.corporate_number, ap.name),
                              r.completed_on, r.method, s.result, s.checked_on
                       FROM engagements e JOIN businesses b ON b.id = e.business_id
                       JOIN parties p ON p.id = e.entrustee_party_id
                       LEFT JOIN engagements pe ON pe.id = e.parent_engagement_id
                       LEFT JOIN approvals a ON a.engagement_id = e.id
                       LEFT JOIN parties ap ON ap.id = a.approver_party_id
                       LEFT JOIN reviews r ON r.id = (SELECT id FROM reviews WHERE engagement_id = e.id
                                                      AND kind = 'inspection' ORDER BY completed_on DESC, id DESC LIMIT 1)
                       LEFT JOIN selection_checks s ON s.id = (SELECT id FROM selection_checks WHERE engagement_id = e.id
                                                              ORDER BY checked_on DESC, id DESC LIMIT 1)
                       ORDER BY e.business_id, e.path_key"""))


def coverage(db: Database) -> Iterator[tuple]:
    """(contract, clause, covered | partial) of every checklist entry that covers something."""
    return db.execute("SELECT contract_id, clause_id, status FROM clause_coverage WHERE status <> 'not_covered'")


def contracts(db: Database) -> Iterator[tuple]:
    """Contract documents by engagement, with the engagement's ledger number."""
    return db.execute("""SELECT c.id, e.ref, c.title, c.kind, c.signed_on, c.valid_until, c.auto_renewal,
                              c.report_interval_months FROM contracts c JOIN engagements e ON e.id = c.engagement_id
                              ORDER BY c.engagement_id, c.id""")


def certifications(db: Database) -> Iterator[tuple]:
    """Certifications with their party (法人番号, else name)."""
    return db.execute("""SELECT coalesce(p.corporate_number, p.name), c.scheme, c.number, c.issuer, c.valid_until
                       FROM certifications c JOIN parties p ON p.id = c.party_id ORDER BY c.id""")
