"""Importing an existing Excel ledger: every row checked by the same services as a form, all of
it applied in one transaction — or, on any error, nothing. Re-importing updates the matching
records (parties by 法人番号, else exact name) instead of duplicating them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from .. import i18n
from ..domain import refs
from ..domain.corporate_number import normalise
from ..domain.models import EngagementStatus
from ..domain.party_rules import PartyDraft, normalised
from ..domain.permissions import Action
from ..domain.problems import Problem, RuleViolation
from ..formats.ledger_format import CERTIFICATIONS, CONTRACTS, ENGAGEMENTS, PARTIES, Sheet
from ..inputs.ledger_reader import Issue, Ledger, Row, read
from ..store import contract_queries as cq
from ..store import connection, records
from ..store import import_queries as iq
from ..store import registry_queries as q
from ..domain.problems import StaleRecord
from ..domain.schedule import ReviewKind
from ..store import supervision_queries as sq
from . import approvals, businesses, certifications, contracts, engagements, parties, reviews, selection
from .reviews import ReviewInput
from .selection import SelectionInput
from .catalogue import catalogue
from .certifications import CertificationInput
from .context import Context, NotFound, PermissionDenied
from .contracts import ContractInput, CoverageEntry
from .engagements import EngagementInput

# a problem's field → the ledger column it came from (when the names differ)
_COLUMN_OF = {"parent_party_id": "parent", "entrustee_party_id": "entrustee", "parent_engagement_id": "parent_ref",
              "business_id": "business", "owner_department": "department", "entrustee_id": "entrustee",
              "entruster_id": "parent_ref", "decision": "approval_decision", "decided_on": "approval_on",
              "approver_party_id": "approved_by", "completed_on": "inspection_on", "method": "inspection_method",
              "result": "selection_result", "checked_on": "selection_on", "description": "department"}


@dataclass(frozen=True)
class Change:
    sheet: str
    row: int
    action: str  # "create", "update" or "unchanged"
    label: str


@dataclass
class ImportResult:
    changes: list[Change] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)  # imported, but worth a look (a formula taken as text)
    applied: bool = False

    def counts(self) -> dict[str, Counter]:
        """Sheet → how many rows were created, updated or left unchanged."""
        found: dict[str, Counter] = {}
        for change in self.changes:
            found.setdefault(change.sheet, Counter())[change.action] += 1
        return found


class Outcome(NamedTuple):
    """What one row's service call came to: done (true) with the service's result, or refused."""

    done: bool
    value: Any = None

    def __bool__(self) -> bool:
        return self.done


class _Rollback(Exception):
    pass


def clause_titles() -> dict[str, set[str]]:
    """Clause id → the names a ledger's column may give it (titles in either language, the id)."""
    return {c.id: {c.title_ja.lower(), c.title_en.lower(), c.id.lower()} for c in catalogue()}


def import_ledger(ctx: Context, data: bytes, dry_run: bool = False) -> ImportResult:
    """Check every row and, unless ``dry_run`` or any row is wrong, apply them all at once."""
    ctx.require(Action.EDIT_REGISTRY)
    ledger = read(data, [c.id for c in catalogue()], clause_titles())
    result = ImportResult(issues=list(ledger.issues), notes=list(ledger.notes))
    if not ledger.rows or result.issues and not any(ledger.rows.values()):
        return result
    if dry_run:  # on a private copy: checking a large ledger keeps no one else from saving or signing in
        with connection.snapshot(ctx.db_path) as copy:
            _apply(replace(ctx, db_path=copy), ledger, result, dry_run=True)
    else:
        _apply(ctx, ledger, result, dry_run=False)
    order = {name: i for i, name in enumerate(ledger.sheet_names.values())}  # as the file's sheets come
    result.issues.sort(key=lambda i: (order.get(i.sheet, -1), i.row or 0))
    return result


def _apply(ctx: Context, ledger: Ledger, result: ImportResult, dry_run: bool) -> None:
    """Every row inside one transaction, committed only when all pass and this is no dry run."""
    try:
        with ctx.write(Action.EDIT_REGISTRY) as db:
            _Importer(ctx.inside(db), db, ledger, result).run()
            if result.issues or dry_run:
                raise _Rollback
            result.applied = True
    except _Rollback:
        pass


class _Importer:
    def __init__(self, ctx: Context, db, ledger: Ledger, result: ImportResult):
        self.ctx, self.db, self.ledger, self.result = ctx, db, ledger, result
        self.engagement_of: dict[str, int] = {}  # ledger ref → engagement id
        self.failed_refs: set[str] = set()

    def run(self) -> None:
        self._parties()
        self._engagements()
        self._contracts()
        self._certifications()

    # --- reporting

    def _sheet(self, sheet: Sheet) -> str:
        return self.ledger.sheet_names[sheet.key]

    def issue(self, sheet: Sheet, row: Row, problem: Problem) -> None:
        column = _COLUMN_OF.get(problem.field, problem.field)
        header = self.ledger.headers.get(sheet.key, {}).get(column)
        self.result.issues.append(Issue(self._sheet(sheet), row.number, header, problem))

    def change(self, sheet: Sheet, row: Row, action: str, label: str) -> None:
        self.result.changes.append(Change(self._sheet(sheet), row.number, action, label))

    def attempt(self, sheet: Sheet, row: Row, service, *args, column: str | None = None, **kwargs) -> Outcome:
        """Call one row's service with its arguments (a savepoint); its problems become issues of that
        row, a refused permission an issue of ``column``."""
        try:
            return Outcome(True, service(*args, **kwargs))
        except RuleViolation as violation:
            for problem in violation.problems:
                self.issue(sheet, row, problem)
        except PermissionDenied:
            self.issue(sheet, row, Problem(column, "error.permission"))
        except (NotFound, StaleRecord) as error:
            self.issue(sheet, row, Problem(None, "error.import.row_failed", {"reason": str(error)}))
        return Outcome(False)

    def clean_rows(self, sheet: Sheet) -> list[Row]:
        """Rows of a sheet the reader could read completely."""
        name = self.ledger.sheet_names.get(sheet.key)
        bad = {i.row for i in self.result.issues if i.sheet == name}
        return [r for r in self.ledger.rows.get(sheet.key, []) if r.number not in bad]

    def duplicates(self, sheet: Sheet, key_of) -> set[int]:
        seen: dict[object, int] = {}
        dupes = set()
        for row in self.ledger.rows.get(sheet.key, []):
            key = key_of(row)
            if key is None:
                continue
            if key in seen:
                dupes.add(row.number)
                self.issue(sheet, row, Problem(None, "error.import.duplicate_row", {"row": seen[key]}))
            else:
                seen[key] = row.number
        return dupes

    # --- lookups

    def party_id(self, text: str | None) -> int | None:
        """A party named by 法人番号 or exact name."""
        if not text:
            return None
        number = normalise(text)
        if number.isdigit() and len(number) == 13:
            found = q.party_by_corporate_number(self.db, number)
            if found:
                return found["id"]
        return q.party_named(self.db, text.strip())

    def stored_ref(self, ref: str | None) -> int | None:
        """An engagement already in the registry, named by its ledger number (IT-2024-003, E12) as
        the export writes it: a new row may hang under it without the whole chain in the file."""
        return q.engagement_id_by_ref(self.db, ref) if ref and ref.strip() else None

    # --- sheets

    def _parties(self) -> None:
        rows = self.ledger.rows.get(PARTIES.key, [])
        dupes = self.duplicates(PARTIES, lambda r: normalise(r.values.get("corporate_number") or "") or
                                (r.values.get("name") or "").strip() or None)
        placed: dict[int, int] = {}
        for row in self.clean_rows(PARTIES):
            if row.number in dupes:
                continue
            v = row.values
            draft = normalised(PartyDraft(
                name=v.get("name") or "", kana=v.get("kana") or "", corporate_number=v.get("corporate_number") or "",
                address=v.get("address") or "", country=(v.get("country") or ["JP"])[0],
                contact_person=v.get("contact_person") or "", email=v.get("email") or "", phone=v.get("phone") or ""))
            existing_id = self.party_id(draft.corporate_number) if draft.corporate_number else None
            existing_id = existing_id or self.party_id(draft.name)
            in_file = self.ledger.headers.get(PARTIES.key, {})
            signatory = {k: (v.get(k) or "").strip() for k in _SIGNATORY if k in in_file}
            draft = PartyDraft(**{**draft.__dict__, **signatory})
            if existing_id:
                current = q.party(self.db, existing_id)
                # a ledger without these columns (an older template) leaves them as they are
                kept = {k: value for k, value in _not_in_ledger(current).items() if k not in in_file}
                draft = PartyDraft(**{**draft.__dict__, "parent_party_id": current["parent_party_id"], **kept})
                if _party_changed(current, draft):
                    if self.attempt(PARTIES, row, parties.update_party, self.ctx, existing_id, current["version"],
                                    draft):
                        self.change(PARTIES, row, "update", draft.name)
                else:
                    self.change(PARTIES, row, "unchanged", draft.name)
                placed[row.number] = existing_id
            else:
                created = self.attempt(PARTIES, row, parties.create_party, self.ctx, draft)
                if created:
                    placed[row.number] = created.value
                    self.change(PARTIES, row, "create", draft.name)
        for row in rows:  # parent companies, once every party of the file exists
            parent = row.values.get("parent")
            if row.number not in placed or not parent:
                continue
            parent_id = self.party_id(parent)
            if parent_id is None:
                self.issue(PARTIES, row, Problem("parent", "error.import.unknown_party", {"name": parent}))
                continue
            current = q.party(self.db, placed[row.number])
            if current["parent_party_id"] != parent_id:
                draft = PartyDraft(**{k: current[k] or "" for k in ("name", "kana", "corporate_number", "address",
                                                                     "country", "contact_person", "email", "phone")},
                                   parent_party_id=parent_id, **_not_in_ledger(current))
                if self.attempt(PARTIES, row, parties.update_party, self.ctx, current["id"], current["version"], draft):
                    self._mark_updated(PARTIES, row, current["name"])

    def _mark_updated(self, sheet: Sheet, row: Row, label: str) -> None:
        for i, change in enumerate(self.result.changes):
            if change.sheet == self._sheet(sheet) and change.row == row.number:
                if change.action == "unchanged":
                    self.result.changes[i] = Change(change.sheet, change.row, "update", label)
                return
        self.change(sheet, row, "update", label)

    def _engagements(self) -> None:
        dupes = self.duplicates(ENGAGEMENTS, lambda r: r.values.get("ref"))
        rows = {r.values["ref"]: r for r in self.clean_rows(ENGAGEMENTS) if r.number not in dupes}
        bad_refs = {r.values.get("ref") for r in self.ledger.rows.get(ENGAGEMENTS.key, [])} - set(rows)
        self.failed_refs |= {ref for ref in bad_refs if ref}
        for ref in self._in_chain_order(rows):
            row = rows[ref]
            v = row.values
            parent_ref = v.get("parent_ref")
            if parent_ref and parent_ref in self.failed_refs:
                self.issue(ENGAGEMENTS, row, Problem("parent_ref", "error.import.parent_row_failed"))
                self.failed_refs.add(ref)
                continue
            business_id = self._business(row)
            entrustee_id = self.party_id(v["entrustee"])
            if entrustee_id is None:
                self.issue(ENGAGEMENTS, row, Problem("entrustee", "error.import.unknown_party", {"name": v["entrustee"]}))
            if business_id is None or entrustee_id is None:
                self.failed_refs.add(ref)
                continue
            parent_id = (self.engagement_of.get(parent_ref) or self.stored_ref(parent_ref)) if parent_ref else None
            data = EngagementInput(
                entrustee_party_id=entrustee_id, work=v["work"], data_categories=v["data_categories"],
                business_id=business_id, parent_engagement_id=parent_id, individuals_count=v.get("individuals_count"),
                processing_countries=v.get("processing_countries") or ["JP"],
                storage_countries=v.get("storage_countries") or ["JP"], start_date=v.get("start_date"),
                end_date=v.get("end_date"), status=v["status"], imported=True, ref=ref)
            # the ledger's own number first; a ledger numbered otherwise matches by the link's place
            existing = self.stored_ref(ref) or iq.link_placed(self.db, business_id, parent_id, entrustee_id)
            label = f"{v['entrustee']} — {v['work']}"
            if existing:
                current = q.engagement(self.db, existing)
                before = engagements.to_input(current)
                if not refs.is_given_ref(before.ref, current["id"]):
                    data.ref = before.ref  # a number a ledger gave stays; one we gave takes the ledger's
                data.purpose, data.inspection_interval_months = before.purpose, before.inspection_interval_months
                data.owner_user_id, data.selection_override_reason = before.owner_user_id, before.selection_override_reason
                if _engagement_changed(before, data):
                    if not self.attempt(ENGAGEMENTS, row, engagements.update_engagement, self.ctx, current["id"],
                                        current["version"], data):
                        self.failed_refs.add(ref)
                        continue
                    self.change(ENGAGEMENTS, row, "update", label)
                else:
                    self.change(ENGAGEMENTS, row, "unchanged", label)
                self.engagement_of[ref] = current["id"]
                self._supervision(row, current["id"], label)
            else:
                if data.status == EngagementStatus.ACTIVE:
                    data.selection_override_reason = i18n.t("import.override_reason")
                created = self.attempt(ENGAGEMENTS, row, engagements.create_engagement, self.ctx, data)
                if created:
                    self.engagement_of[ref] = created.value
                    self.change(ENGAGEMENTS, row, "create", label)
                    self._supervision(row, created.value, label)
                else:
                    self.failed_refs.add(ref)

    def _supervision(self, row: Row, engagement_id: int, label: str) -> None:
        """What the ledger records of the link's supervision, through the same services as the
        screens (and their permissions): a re-delegation's approval, the last inspection, the
        selection check. What is already recorded is left as it is."""
        v = row.values
        decision, decided_on = v.get("approval_decision"), v.get("approval_on")
        if decision or decided_on:
            link = q.engagement(self.db, engagement_id)
            if link["approval_id"] is None:
                self.issue(ENGAGEMENTS, row, Problem("approval_decision", "error.import.approval_tier1"))
            elif (link["approval_status"], link["decided_on"]) != (decision, decided_on and decided_on.isoformat()):
                approver = self._approver(row, link)
                if approver is not False and self.attempt(
                        ENGAGEMENTS, row, approvals.decide_redelegation, self.ctx, engagement_id,
                        link["approval_version"], decision, decided_on, approver_party_id=approver,
                        note=i18n.t("import.from_ledger"), column="approval_decision"):
                    self._mark_updated(ENGAGEMENTS, row, label)
        inspected_on = v.get("inspection_on")
        recorded = inspected_on and any(r["kind"] == ReviewKind.INSPECTION and r["completed_on"] == inspected_on.isoformat()
                                        for r in sq.reviews_of(self.db, engagement_id))
        if inspected_on and not recorded and self.attempt(
                ENGAGEMENTS, row, reviews.complete_review, self.ctx, engagement_id, ReviewInput(
                    ReviewKind.INSPECTION.value, inspected_on, i18n.t("import.from_ledger"),
                    method=v.get("inspection_method"),
                    remote_reason=i18n.t("import.from_ledger") if v.get("inspection_method") == "remote" else "",
                    note=i18n.t("import.from_ledger")), from_ledger=True, column="inspection_on"):
            self._mark_updated(ENGAGEMENTS, row, label)
        result, checked_on = v.get("selection_result"), v.get("selection_on")
        if (result or checked_on) and not any(
                (c["result"], c["checked_on"]) == (result, checked_on and checked_on.isoformat())
                for c in sq.selection_checks_of(self.db, engagement_id)):
            conditions = i18n.t("import.conditions_in_ledger") if result == "conditional" else ""
            if self.attempt(ENGAGEMENTS, row, selection.record_selection_check, self.ctx, engagement_id,
                            SelectionInput(checked_on, result, i18n.t("import.from_ledger"), conditions=conditions,
                                           note=i18n.t("import.from_ledger")),
                            from_ledger=True, column="selection_result"):
                self._mark_updated(ENGAGEMENTS, row, label)

    def _approver(self, row: Row, link: dict) -> int | None | bool:
        """Who approved: None for us (blank, 自社, our name), the entruster's id, or False (unknown)."""
        text = (row.values.get("approved_by") or "").strip()
        ours = {"", i18n.t("app.us", "ja"), i18n.t("app.us", "en").lower()} | set(self._our_names())
        if text.lower() in ours or text in ours:
            return None
        if self.party_id(text) == link["entruster_party_id"]:
            return link["entruster_party_id"]
        self.issue(ENGAGEMENTS, row, Problem("approved_by", "error.import.unknown_approver", {"name": text}))
        return False

    def _our_names(self) -> list[str]:
        return iq.our_names(self.db)

    def _in_chain_order(self, rows: dict[str, Row]) -> list[str]:
        """Parents before children; a parent missing from the file, or a cycle, is an issue."""
        order, placed, pending = [], set(), dict(rows)
        while pending:
            ready = [ref for ref, row in pending.items()
                     if not row.values.get("parent_ref") or row.values["parent_ref"] in placed
                     or row.values["parent_ref"] in self.failed_refs
                     or row.values["parent_ref"] not in rows and self.stored_ref(row.values["parent_ref"])]
            if not ready:
                break
            for ref in ready:
                order.append(ref)
                placed.add(ref)
                del pending[ref]
        for ref, row in pending.items():
            parent = row.values["parent_ref"]
            code = "error.import.unknown_parent" if parent not in rows else "error.import.cycle"
            self.issue(ENGAGEMENTS, row, Problem("parent_ref", code, {"ref": parent}))
            self.failed_refs.add(ref)
        return order

    def _business(self, row: Row) -> int | None:
        name, department = row.values["business"], row.values["department"]
        found = iq.business(self.db, name)
        if found and found[1] == department:
            return found[0]
        if found:
            updated = self.attempt(ENGAGEMENTS, row, businesses.update_business, self.ctx, found[0], found[2], name,
                                   department)
            return found[0] if updated else None
        return self.attempt(ENGAGEMENTS, row, businesses.create_business, self.ctx, name, department).value

    def _contracts(self) -> None:
        dupes = self.duplicates(CONTRACTS, lambda r: (r.values.get("engagement_ref"), r.values.get("title")))
        every_clause = [c.id for c in catalogue()]
        for row in self.clean_rows(CONTRACTS):
            v = row.values
            if row.number in dupes:
                continue
            engagement_id = self.engagement_of.get(v["engagement_ref"]) or self.stored_ref(v["engagement_ref"])
            if engagement_id is None:
                code = ("error.import.parent_row_failed" if v["engagement_ref"] in self.failed_refs
                        else "error.import.unknown_ref")
                self.issue(CONTRACTS, row, Problem("engagement_ref", code, {"ref": v["engagement_ref"]}))
                continue
            data = ContractInput(v["title"], v["kind"], v.get("signed_on"), v.get("valid_until"),
                                 bool(v.get("auto_renewal")), "", v.get("report_interval_months"))
            entries = {c: CoverageEntry(row.coverage.get(c)) for c in every_clause}
            existing = iq.contract_titled(self.db, engagement_id, v["title"])
            if existing:
                current = cq.contract(self.db, existing)
                data.note = current["note"] or ""
                coverage = {k: r["status"] for k, r in cq.coverage_of(self.db, existing).items()
                            if r["status"] != "not_covered"}  # a ledger records what is covered
                if contracts.to_input(current) == data and coverage == row.coverage:
                    self.change(CONTRACTS, row, "unchanged", v["title"])
                    continue

                if self.attempt(CONTRACTS, row, self._save_contract, current, data, entries):
                    self.change(CONTRACTS, row, "update", v["title"])
            else:
                if self.attempt(CONTRACTS, row, self._create_contract, engagement_id, data, entries):
                    self.change(CONTRACTS, row, "create", v["title"])

    def _save_contract(self, current: dict, data: ContractInput, entries: dict[str, CoverageEntry]) -> None:
        contracts.update_contract(self.ctx, current["id"], current["version"], data)
        contracts.record_coverage(self.ctx, current["id"], current["version"] + 1, entries)

    def _create_contract(self, engagement_id: int, data: ContractInput, entries: dict[str, CoverageEntry]) -> None:
        contract_id = contracts.create_contract(self.ctx, engagement_id, data)
        contracts.record_coverage(self.ctx, contract_id, 1, entries)

    def _certifications(self) -> None:
        dupes = self.duplicates(CERTIFICATIONS, lambda r: (r.values.get("party"), r.values.get("scheme"),
                                                            r.values.get("number")))
        for row in self.clean_rows(CERTIFICATIONS):
            v = row.values
            if row.number in dupes:
                continue
            party_id = self.party_id(v["party"])
            if party_id is None:
                self.issue(CERTIFICATIONS, row, Problem("party", "error.import.unknown_party", {"name": v["party"]}))
                continue
            data = CertificationInput(v["scheme"], v["number"], v["valid_until"], v.get("issuer") or "")
            existing = iq.certification(self.db, party_id, v["scheme"], v["number"])
            label = f"{v['party']} {v['number']}"
            if existing:
                current = records.fetch(self.db, "certifications", existing)
                if (current["valid_until"], current["issuer"] or "") == (data.valid_until.isoformat(), data.issuer):
                    self.change(CERTIFICATIONS, row, "unchanged", label)
                elif self.attempt(CERTIFICATIONS, row, certifications.update_certification, self.ctx, current["id"],
                                  current["version"], data):
                    self.change(CERTIFICATIONS, row, "update", label)
            elif self.attempt(CERTIFICATIONS, row, certifications.create_certification, self.ctx, party_id, data):
                self.change(CERTIFICATIONS, row, "create", label)


_SIGNATORY = ("name_en", "representative_title", "representative_name")  # columns since migration 010


def _not_in_ledger(current: dict) -> dict[str, str]:
    """A party's English name and representative as stored (kept when a ledger has no such column)."""
    return {k: current[k] or "" for k in _SIGNATORY}


def _party_changed(current: dict, draft: PartyDraft) -> bool:
    return any((current[k] or "") != (getattr(draft, k) or "") for k in
               ("name", "kana", "corporate_number", "address", "country", "contact_person", "email", "phone",
                *_SIGNATORY))


def _engagement_changed(before: EngagementInput, after: EngagementInput) -> bool:
    fields = ("work", "individuals_count", "start_date", "end_date", "status", "ref")
    return (any(getattr(before, f) != getattr(after, f) for f in fields)
            or sorted(before.data_categories) != sorted(after.data_categories)
            or sorted(before.processing_countries) != sorted(after.processing_countries)
            or sorted(before.storage_countries) != sorted(after.storage_countries))
