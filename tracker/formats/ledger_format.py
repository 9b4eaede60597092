"""The ledger workbook (委託先管理台帳) read by the import and written by the template and the
registry export: its sheets and columns. Headers and sheet names are accepted in Japanese or
English; coded values as their code or their label in either language."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # one code of ``choices`` (or its label)
    CHOICES = "choices"  # several codes, separated by 、 , ; /
    COUNTRIES = "countries"  # country codes or names, separated likewise


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # message key of the header
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: str = ""  # message-key prefix of the coded values ("status." → status.active …)


@dataclass(frozen=True)
class Sheet:
    key: str
    label: str  # message key of the sheet name
    columns: tuple[Column, ...]


PARTIES = Sheet("parties", "ledger.sheet.parties", (
    Column("name", "party.name", required=True),
    Column("kana", "party.kana"),
    Column("corporate_number", "party.corporate_number"),
    Column("address", "party.address"),
    Column("country", "party.country", Kind.COUNTRIES),
    Column("contact_person", "party.contact_person"),
    Column("email", "party.email"),
    Column("phone", "party.phone"),
    Column("parent", "ledger.parent_company"),
    Column("name_en", "party.name_en"),  # for addenda in English
    Column("representative_title", "party.representative_title"),  # who signs an addendum
    Column("representative_name", "party.representative_name"),
))

ENGAGEMENTS = Sheet("engagements", "ledger.sheet.engagements", (
    Column("ref", "ledger.ref", required=True),
    Column("business", "engagement.business", required=True),
    Column("department", "business.owner_department", required=True),
    Column("parent_ref", "ledger.parent_ref"),
    Column("entrustee", "ledger.entrustee", required=True),
    Column("work", "engagement.work", required=True),
    Column("data_categories", "engagement.data_categories", Kind.CHOICES, required=True, choices="category."),
    Column("individuals_count", "engagement.individuals_count", Kind.INT),
    Column("processing_countries", "engagement.processing_countries", Kind.COUNTRIES),
    Column("storage_countries", "engagement.storage_countries", Kind.COUNTRIES),
    Column("start_date", "engagement.start_date", Kind.DATE),
    Column("end_date", "engagement.end_date", Kind.DATE),
    Column("status", "engagement.status", Kind.CHOICE, required=True, choices="status."),
    # what ledgers record of the supervision of each link (imported through the same services)
    Column("approval_decision", "ledger.approval_decision", Kind.CHOICE, choices="ledger.decision."),
    Column("approval_on", "ledger.approval_on", Kind.DATE),
    Column("approved_by", "ledger.approved_by"),
    Column("inspection_on", "ledger.inspection_on", Kind.DATE),
    Column("inspection_method", "ledger.inspection_method", Kind.CHOICE, choices="review.method."),
    Column("selection_result", "ledger.selection_result", Kind.CHOICE, choices="selection.result."),
    Column("selection_on", "ledger.selection_on", Kind.DATE),
))

CONTRACTS = Sheet("contracts", "ledger.sheet.contracts", (
    Column("engagement_ref", "ledger.engagement_ref", required=True),
    Column("title", "contract.name", required=True),
    Column("kind", "contract.kind", Kind.CHOICE, required=True, choices="contract.kind."),
    Column("signed_on", "contract.signed_on", Kind.DATE),
    Column("valid_until", "contract.valid_until", Kind.DATE),
    Column("auto_renewal", "contract.auto_renewal", Kind.BOOL),
    Column("report_interval_months", "contract.report_interval_months", Kind.INT),
))  # followed by one column per clause of the catalogue (covered / partial / blank)

CERTIFICATIONS = Sheet("certifications", "ledger.sheet.certifications", (
    Column("party", "ledger.party", required=True),
    Column("scheme", "certification.scheme", Kind.CHOICE, required=True, choices="certification.scheme."),
    Column("number", "certification.number", required=True),
    Column("issuer", "certification.issuer"),
    Column("valid_until", "certification.valid_until", Kind.DATE, required=True),
))

SHEETS = (PARTIES, ENGAGEMENTS, CONTRACTS, CERTIFICATIONS)
COVERAGE_CHOICES = "contract.status."  # covered / partial in the clause columns
