"""What the user enters is what is saved (issue 13): notices only from who knows, incidents
classified by what leaked, decisions never taken for the user, names of a sane length, and ledgers
as offices keep them."""

import io
from datetime import date

import openpyxl
import pytest

from tests import factories as f
from tests.conftest import context_for
from tracker.domain import incidents as rules
from tracker.domain.limits import NAME
from tracker.domain.party_rules import PartyDraft
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.domain.selection import AREAS, SelectionDraft, check_selection
from tracker.i18n import describe, t
from tracker.services import approvals, engagements, incidents, ledger_export, ledger_import, parties, reviews, selection
from tracker.services.incidents import IncidentInput
from tracker.store import connection


def problems_of(call) -> list[tuple[str | None, str]]:
    with pytest.raises(RuleViolation) as refused:
        call()
    return [(p.field, p.code) for p in refused.value.problems]


# --- 2. a notice cannot be dated before its sender knew

def test_a_notice_dated_before_its_sender_learned_is_refused_next_to_the_date(ctx):
    _, _, links = f.chain(ctx, 3)
    incident_id = incidents.record_incident(ctx, links[2], IncidentInput("誤送付", learned_on=date(2026, 11, 10)))
    incidents.record_notice(ctx, incident_id, links[2], date(2026, 11, 12))  # tier 3 tells tier 2 on 11-12
    # tier 2 "reported" on 11-11, a day before it was told
    assert problems_of(lambda: incidents.record_notice(ctx, incident_id, links[1], date(2026, 11, 11))) == [
        ("notified_on", "error.incident.notice_before_learning")]
    incidents.record_notice(ctx, incident_id, links[1], date(2026, 11, 12))  # the same day is fine
    view = incidents.incident(ctx, incident_id)
    assert [n.notice.notified_on for n in view.notices[:2]] == [date(2026, 11, 12)] * 2


def test_a_notice_from_an_entrustee_not_yet_told_is_refused(ctx):
    _, _, links = f.chain(ctx, 3)
    incident_id = incidents.record_incident(ctx, links[2], IncidentInput("紛失", learned_on=date(2026, 11, 10)))
    assert problems_of(lambda: incidents.record_notice(ctx, incident_id, links[0], date(2026, 11, 15))) == [
        ("notified_on", "error.incident.sender_not_told")]


# --- 3. an incident is classified from what leaked, not from the link

def test_my_number_among_the_leaked_items_makes_an_ordinary_link_reportable(ctx):
    _, _, links = f.chain(ctx, 3)  # the link carries ordinary personal data only
    data = IncidentInput("個人番号の漏えい", learned_on=date(2026, 11, 10), individuals_count=120, my_number=True)
    view = incidents.incident(ctx, incidents.record_incident(ctx, links[2], data))
    assert view.classification.reasons == (rules.Reason.MY_NUMBER_OVER_100,)
    assert view.why == [("incident.why.my_number_over_100", {"count": "120", "limit": 100})]
    assert "120" in t(*view.why[0][:1], **view.why[0][1])


def test_payment_data_on_the_link_is_only_a_preset_the_incident_can_clear(ctx):
    _, _, links = f.chain(ctx, 1, categories=("ordinary", "payment"))
    preset = incidents.preset_for(ctx, links[0])
    assert preset.financial_risk and not preset.sensitive and not preset.my_number
    data = IncidentInput("誤送信", learned_on=date(2026, 11, 10), individuals_count=3, financial_risk=False)
    view = incidents.incident(ctx, incidents.record_incident(ctx, links[0], data))
    assert not view.classification.reportable
    keys = [key for key, _ in view.why]
    assert keys == ["incident.why_not.no_kind", "incident.why_not.count"]
    assert view.why[1][1] == {"count": "3", "limit": "1,000"}


def test_encryption_is_named_as_why_a_reportable_leak_is_exempt():
    facts = rules.IncidentFacts(individuals=5000, encrypted=True)
    assert rules.explain(facts) == [("incident.why.encrypted", {})]


# --- 5. decisions are never preselected: saving without one names what is missing

def test_a_selection_check_without_a_result_or_with_unanswered_areas_names_them():
    draft = SelectionDraft(date(2026, 11, 1), None, "担当", {"policy": "ok", "rules": None}, ("hearing",))
    problems = check_selection(draft, date(2026, 11, 22))
    codes = {p.field: p for p in problems}
    assert codes["result"].code == "error.selection.result_required"
    missing = codes["areas"].params["areas"]
    assert missing == AREAS[1:]  # every area but the one answered, in the guideline's order
    assert t("selection.area.rules") in describe(codes["areas"], "ja")


def test_an_approval_without_a_decision_is_refused(ctx):
    _, _, links = f.chain(ctx, 2)
    version = engagements.get_engagement(ctx, links[1])["approval_version"]
    assert problems_of(lambda: approvals.decide_redelegation(ctx, links[1], version, None, date(2026, 11, 20))) == [
        ("decision", "error.approval.decision_required")]


# --- 8. names have a length limit, shared by every way in

def test_a_name_longer_than_the_limit_is_refused_next_to_the_field(ctx):
    long_name = "株" * (NAME + 1)
    assert problems_of(lambda: parties.create_party(ctx, PartyDraft(name=long_name))) == [("name", "error.too_long")]
    assert parties.create_party(ctx, PartyDraft(name="株" * NAME))


def test_a_control_character_is_refused_next_to_its_field_and_line_breaks_are_kept(ctx):
    # a pasted control character could be saved, and then no Excel file could hold it: the ledger
    # export (openpyxl) failed on it
    assert problems_of(lambda: parties.create_party(ctx, PartyDraft(name="ベル\x07商事"))) == [
        ("name", "error.control_character")]
    party_id = parties.create_party(ctx, PartyDraft(name="改行商事", address="東京都\n千代田区\t1-1"))
    assert parties.get_party(ctx, party_id)["address"] == "東京都\n千代田区\t1-1"


# --- 7. the ledger as offices keep it

def _export(ctx) -> openpyxl.Workbook:
    out = io.BytesIO()
    ledger_export.write_ledger(ctx, out, "ja", with_registry=True)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header(sheet, key: str) -> int:
    return [c.value for c in sheet[1]].index(t(key)) + 1


def test_a_new_row_under_a_stored_engagement_imports_from_the_exported_ledger(demo_ctx):
    book = _export(demo_ctx)
    links = book[t("ledger.sheet.engagements")]
    first = [c.value for c in links[2]]
    new = list(first)
    new[0], new[3] = "NEW-1", first[0]  # a fresh ref, hanging under the first stored link
    party_id = f.party(demo_ctx, "北斗情報株式会社")
    new[4], new[5] = "北斗情報株式会社", "帳票の印刷"
    for key in ("ledger.approval_decision", "ledger.approval_on", "ledger.approved_by", "ledger.inspection_on",
                "ledger.inspection_method", "ledger.selection_result", "ledger.selection_on"):
        new[_header(links, key) - 1] = None
    new[_header(links, "engagement.status") - 1] = t("status.proposed")
    # the office keeps only the new row in the file it sends
    for row in range(links.max_row, 1, -1):
        links.delete_rows(row)
    links.append(new)
    result = ledger_import.import_ledger(demo_ctx, _save(book))
    assert not result.issues, [describe(i.problem) for i in result.issues]
    assert result.applied
    rows, _ = engagements.search_engagements(demo_ctx, party_id=party_id)
    assert rows[0]["parent_engagement_id"] == int(first[0][1:]) and rows[0]["tier"] == 2


def test_the_exported_ledger_with_approvals_inspections_and_selections_round_trips(demo_ctx):
    book = _export(demo_ctx)
    links = book[t("ledger.sheet.engagements")]
    decided = [r for r in links.iter_rows(min_row=2, values_only=True) if r[_header(links, "ledger.approval_on") - 1]]
    inspected = [r for r in links.iter_rows(min_row=2, values_only=True)
                 if r[_header(links, "ledger.inspection_on") - 1]]
    assert decided and inspected  # the demo has both, so the round trip means something
    result = ledger_import.import_ledger(demo_ctx, _save(book), dry_run=True)
    assert not result.issues, [describe(i.problem) for i in result.issues]
    assert {c.action for c in result.changes} == {"unchanged"}


def test_approval_inspection_and_selection_columns_go_through_the_services(ctx):
    _, _, chain_links = f.chain(ctx, 2)
    book = _export(ctx)
    links = book[t("ledger.sheet.engagements")]
    sub = next(r for r in range(2, links.max_row + 1) if links.cell(r, 1).value == f"E{chain_links[1]}")
    links.cell(sub, _header(links, "ledger.approval_decision"), t("ledger.decision.approved"))
    links.cell(sub, _header(links, "ledger.approval_on"), "2026-10-01")
    links.cell(sub, _header(links, "ledger.approved_by"), "自社")
    links.cell(sub, _header(links, "ledger.inspection_on"), "2026-09-15")
    links.cell(sub, _header(links, "ledger.inspection_method"), t("review.method.on_site"))
    links.cell(sub, _header(links, "ledger.selection_result"), t("selection.result.conditional"))
    links.cell(sub, _header(links, "ledger.selection_on"), "2026-08-01")
    data = _save(book)
    # a clerk may import the registry, but not decide a re-delegation: refused, nothing written
    clerk = ledger_import.import_ledger(context_for(ctx.db_path, Role.PROCUREMENT), data)
    assert not clerk.applied
    assert {(i.column, i.problem.code) for i in clerk.issues} == {
        (t("ledger.approval_decision"), "error.permission"), (t("ledger.inspection_on"), "error.permission")}
    result = ledger_import.import_ledger(ctx, data)
    assert result.applied, [describe(i.problem) for i in result.issues]
    link = engagements.get_engagement(ctx, chain_links[1])
    assert (link["approval_status"], link["decided_on"], link["approver_party_id"]) == ("approved", "2026-10-01", None)
    inspections = [r for r in reviews.reviews_of(ctx, chain_links[1]) if r["kind"] == "inspection"]
    assert [(r["completed_on"], r["method"]) for r in inspections] == [("2026-09-15", "on_site")]
    checks = selection.selection_checks_of(ctx, chain_links[1])
    assert ("2026-08-01", "conditional") in {(c["checked_on"], c["result"]) for c in checks}
    again = ledger_import.import_ledger(ctx, _save(_export(ctx)), dry_run=True)
    assert {c.action for c in again.changes} == {"unchanged"}


def test_a_cycle_names_its_column(ctx):
    book = _export(ctx)
    links = book[t("ledger.sheet.engagements")]
    header = [c.value for c in links[1]]
    values = {"ledger.ref": "A", "engagement.business": "業務", "business.owner_department": "部",
              "ledger.parent_ref": "B", "ledger.entrustee": "甲株式会社", "engagement.work": "作業",
              "engagement.data_categories": "個人情報", "engagement.status": "予定"}
    f.party(ctx, "甲株式会社")
    for ref, parent in (("A", "B"), ("B", "A")):
        links.append([{**values, "ledger.ref": ref, "ledger.parent_ref": parent}.get(k) for k in
                      [next((key for key in values if t(key) == h), None) for h in header]])
    result = ledger_import.import_ledger(ctx, _save(book))
    assert result.issues and all(i.column == t("ledger.parent_ref") for i in result.issues)


def test_every_import_issue_names_sheet_row_and_column(ctx):
    """A link whose entrustee would sit twice on its own path breaks a chain rule whose field the
    import must still put in a column."""
    _, party_ids, chain_links = f.chain(ctx, 2)
    book = _export(ctx)
    links = book[t("ledger.sheet.engagements")]
    row = [c.value for c in links[links.max_row]]
    row[0], row[3] = "LOOP", f"E{chain_links[1]}"
    with connection.reading(ctx.db_path) as db:
        row[4] = db.execute("SELECT name FROM parties WHERE id = ?", [party_ids[0]]).fetchone()[0]
    row[5] = "別の作業"
    for key in ("ledger.approval_decision", "ledger.approval_on", "ledger.approved_by"):
        row[_header(links, key) - 1] = None
    links.append(row)
    result = ledger_import.import_ledger(ctx, _save(book))
    assert result.issues
    assert all(i.sheet and i.row and i.column for i in result.issues), result.issues


def test_a_formula_typed_as_a_name_is_taken_as_its_text_and_noted(ctx):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = t("ledger.sheet.parties")
    sheet.append([t("party.name")])
    sheet.append(['=HYPERLINK("http://example.invalid","北斗")'])
    result = ledger_import.import_ledger(ctx, _save(book))
    assert result.applied and not result.issues
    assert [n.problem.code for n in result.notes] == ["import.note.formula_as_text"]
    assert result.notes[0].row == 2 and result.notes[0].column == t("party.name")
    assert parties.search_parties(ctx, text="HYPERLINK")[0][0]["name"].startswith("=HYPERLINK(")


def test_the_template_offers_categories_and_countries_as_drop_down_lists(ctx):
    out = io.BytesIO()
    ledger_export.write_ledger(ctx, out, "ja", with_registry=False)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    links = book[t("ledger.sheet.engagements")]
    lists = book[t("ledger.sheet.lists")]
    assert lists.sheet_state == "hidden"
    ranges = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in links.data_validations.dataValidation}
    for key in ("engagement.data_categories", "engagement.processing_countries", "engagement.storage_countries"):
        letter = openpyxl.utils.get_column_letter(_header(links, key))
        assert letter in ranges, key
        formula = ranges[letter]
        if "!" in formula:
            column = formula.split("!")[1].split(":")[0].replace("$", "")[:-1]
            values = [c.value for c in lists[column] if c.value]
        else:
            values = formula.strip('"').split(",")
        expected = t("category.my_number") if "categories" in key else "シンガポール"
        assert expected in values


def test_the_ledger_carries_english_names_and_representatives_and_an_older_one_keeps_them(demo_ctx):
    """The parties sheet has the English name and the representative; a ledger from before
    (without those columns) updating a party leaves them as they are."""
    from tracker.services import parties

    def payroll():
        [party] = parties.search_parties(demo_ctx, text="ペイロールサービス東日本")[0]
        return parties.get_party(demo_ctx, party["id"])

    book = _export(demo_ctx)
    sheet = book[t("ledger.sheet.parties")]
    row = next(r for r in range(2, sheet.max_row + 1)
               if sheet.cell(r, _header(sheet, "party.name")).value == "株式会社ペイロールサービス東日本")
    assert sheet.cell(row, _header(sheet, "party.name_en")).value == "Payroll Service East Japan Co., Ltd."
    sheet.cell(row, _header(sheet, "party.representative_name")).value = "東 正樹（新）"
    result = ledger_import.import_ledger(demo_ctx, _save(book))
    assert result.applied, [describe(i.problem) for i in result.issues]
    assert payroll()["representative_name"] == "東 正樹（新）"

    older = _export(demo_ctx)
    sheet = older[t("ledger.sheet.parties")]
    for key in ("party.representative_name", "party.representative_title", "party.name_en"):
        sheet.delete_cols(_header(sheet, key))
    sheet.cell(row, _header(sheet, "party.address")).value = "東京都港区芝浦三丁目4番2号"
    result = ledger_import.import_ledger(demo_ctx, _save(older))
    assert result.applied, [describe(i.problem) for i in result.issues]
    stored = payroll()
    assert stored["address"] == "東京都港区芝浦三丁目4番2号"
    assert (stored["name_en"], stored["representative_title"], stored["representative_name"]) == (
        "Payroll Service East Japan Co., Ltd.", "代表取締役", "東 正樹（新）")
