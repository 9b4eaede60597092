"""Importing Excel ledgers: every kind of bad file leaves the database as it was and names the
sheet, row and column; a re-import changes nothing; export → import gives the registry back."""

import io

import openpyxl
import pytest

from tests import factories as f
from tests.conftest import context_for
from tracker import config
from tracker.domain.permissions import Role
from tracker.i18n import describe, t
from tracker.services import ledger_export, ledger_import, setup
from tracker.services.context import PermissionDenied
from tracker.store import connection

PARTY_HEADERS = [t(k) for k in ("party.name", "party.corporate_number", "party.country")]
LINK_HEADERS = [t(k) for k in ("ledger.ref", "engagement.business", "business.owner_department", "ledger.parent_ref",
                               "ledger.entrustee", "engagement.work", "engagement.data_categories", "engagement.status")]
GOOD_PARTIES = [["株式会社アルファ", "7000012050002", "日本"], ["ベータ株式会社", "", "JP"]]
GOOD_LINKS = [["L1", "発送業務", "総務部", None, "7000012050002", "DM発送", "個人情報", "実施中"],
              ["L2", "発送業務", "総務部", "L1", "ベータ株式会社", "封入作業", "個人情報", "予定"]]


def workbook(parties=GOOD_PARTIES, links=GOOD_LINKS, party_headers=PARTY_HEADERS, link_headers=LINK_HEADERS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "委託先"
    sheet.append(party_headers)
    for row in parties:
        sheet.append(row)
    sheet = book.create_sheet("委託")
    sheet.append(link_headers)
    for row in links:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(db_path):
    with connection.reading(db_path) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("parties", "businesses", "engagements", "contracts", "certifications", "audit_log")}


def test_a_good_ledger_is_previewed_then_imported(ctx, db_path):
    before = snapshot(db_path)
    preview = ledger_import.import_ledger(ctx, workbook(), dry_run=True)
    assert not preview.issues and not preview.applied
    assert {s: dict(c) for s, c in preview.counts().items()} == {"委託先": {"create": 2}, "委託": {"create": 2}}
    assert snapshot(db_path) == before  # a preview writes nothing
    result = ledger_import.import_ledger(ctx, workbook())
    assert result.applied and snapshot(db_path)["engagements"] == 2
    again = ledger_import.import_ledger(ctx, workbook())
    assert {s: dict(c) for s, c in again.counts().items()} == {"委託先": {"unchanged": 2}, "委託": {"unchanged": 2}}


def test_full_width_digits_and_spaces_in_the_corporate_number_are_normalised(ctx, db_path):
    parties = [["株式会社アルファ", "７０００ ０１２０ ５０００２", "日本"], ["ベータ株式会社", "", "JP"]]
    result = ledger_import.import_ledger(ctx, workbook(parties=parties))
    assert result.applied
    with connection.reading(db_path) as db:
        assert db.execute("SELECT corporate_number FROM parties WHERE name = '株式会社アルファ'").fetchone()[0] == \
            "7000012050002"
    updated = ledger_import.import_ledger(ctx, workbook(parties=[["株式会社アルファ（新社名）", "7000012050002", "日本"],
                                                                 ["ベータ株式会社", "", "JP"]]))
    assert [c.action for c in updated.changes if c.sheet == "委託先"] == ["update", "unchanged"]  # matched by number


def bad_cases():
    yield "bad corporate number", workbook(parties=[["株式会社アルファ", "7000012050003", "日本"]] + GOOD_PARTIES[1:]), \
        ("委託先", 2, t("party.corporate_number"), "error.corporate_number.check_digit")
    yield "unknown parent", workbook(links=[GOOD_LINKS[0], ["L2", "発送業務", "総務部", "L9", "ベータ株式会社", "封入",
                                                            "個人情報", "予定"]]), \
        ("委託", 3, t("ledger.parent_ref"), "error.import.unknown_parent")
    yield "a cycle", workbook(links=[["L1", "発送業務", "総務部", "L2", "7000012050002", "DM発送", "個人情報", "予定"],
                                     ["L2", "発送業務", "総務部", "L1", "ベータ株式会社", "封入", "個人情報", "予定"]]), \
        ("委託", 2, t("ledger.parent_ref"), "error.import.cycle")
    yield "a missing column", workbook(link_headers=LINK_HEADERS[:5] + LINK_HEADERS[6:],
                                       links=[r[:5] + r[6:] for r in GOOD_LINKS]), \
        ("委託", 1, t("engagement.work"), "error.import.missing_column")
    yield "a wrong type", workbook(link_headers=LINK_HEADERS + [t("engagement.individuals_count")],
                                   links=[GOOD_LINKS[0] + ["たくさん"], GOOD_LINKS[1] + [3]]), \
        ("委託", 2, t("engagement.individuals_count"), "error.import.not_a_number")
    yield "duplicate rows", workbook(parties=GOOD_PARTIES + [["株式会社アルファ", "7000012050002", "日本"]]), \
        ("委託先", 4, None, "error.import.duplicate_row")
    yield "an empty file", workbook(parties=[], links=[]), (None, None, None, "error.import.empty")
    yield "not a workbook", b"%PDF-1.4 not a workbook", (None, None, None, "error.import.not_a_workbook")
    yield "an unknown value", workbook(links=[GOOD_LINKS[0][:7] + ["たぶん"], GOOD_LINKS[1]]), \
        ("委託", 2, t("engagement.status"), "error.import.unknown_value")


@pytest.mark.parametrize(("name", "content", "expected"), list(bad_cases()), ids=[c[0] for c in bad_cases()])
def test_a_bad_ledger_changes_nothing_and_says_where(ctx, db_path, name, content, expected):
    f.party(ctx, "既存の委託先")
    before = snapshot(db_path)
    result = ledger_import.import_ledger(ctx, content)
    assert not result.applied
    assert snapshot(db_path) == before
    assert expected in [(i.sheet, i.row, i.column, i.problem.code) for i in result.issues]


def test_errors_read_in_the_users_language(ctx):
    (issue,) = ledger_import.import_ledger(ctx, b"not a workbook").issues
    assert describe(issue.problem, "ja").startswith("Excelのブック")
    assert describe(issue.problem, "en").startswith("This is not an Excel workbook")


def test_managers_cannot_import(db_path):
    with pytest.raises(PermissionDenied):
        ledger_import.import_ledger(context_for(db_path, Role.MANAGER), workbook())


def canonical(ctx) -> dict[str, list]:
    """The registry as its ledger shows it, with engagement refs replaced by what they name."""
    out = io.BytesIO()
    ledger_export.write_ledger(ctx, out, "ja", with_registry=True)
    book = openpyxl.load_workbook(out)
    links = {r[0]: (r[1], r[4], r[5]) for r in book["委託"].iter_rows(min_row=2, values_only=True)}
    sheets = {}
    for sheet in book:
        rows = []
        for row in sheet.iter_rows(min_row=2, values_only=True):
            row = list(row)
            if sheet.title == "委託":
                row[0], row[3] = links[row[0]], links.get(row[3])
            elif sheet.title == "契約":
                row[0] = links[row[0]]
            rows.append(tuple(row))
        sheets[sheet.title] = sorted(rows, key=repr)
    return sheets


def test_export_then_import_gives_the_registry_back(demo_ctx, tmp_path):
    out = io.BytesIO()
    ledger_export.write_ledger(demo_ctx, out, "ja", with_registry=True)
    fresh = context_for(tmp_path / "fresh.db")
    setup.initialise(fresh.db_path)
    result = ledger_import.import_ledger(fresh, out.getvalue())
    assert result.applied, [(i.sheet, i.row, i.column, describe(i.problem)) for i in result.issues]
    assert canonical(fresh) == canonical(demo_ctx)
    assert len(canonical(fresh)["委託"]) == 16
    assert ledger_import.import_ledger(fresh, out.getvalue()).counts()["委託"]["unchanged"] == 16


def test_the_template_has_every_sheet_and_drop_down_lists(ctx):
    out = io.BytesIO()
    ledger_export.write_ledger(ctx, out, "en", with_registry=False)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Parties", "Engagements", "Contracts", "Certifications", "Lists"]
    assert book["Lists"].sheet_state == "hidden"  # the values of the long drop-down lists (countries)
    status = next(v for v in book["Engagements"].data_validations.dataValidation if "M2" in str(v.sqref))
    assert status.formula1 == '"Proposed,Active,Ended"' or "Active" in status.formula1
    assert book["Contracts"].max_column == 7 + len(list(__import__("tracker.services.catalogue",
                                                                    fromlist=["catalogue"]).catalogue()))
    assert config.DEMO_REGISTRY.exists()


def _ledger_refs(ctx) -> dict[str, str | None]:
    """Ledger number → its parent's, as `tracker ledger` writes them."""
    out = io.BytesIO()
    ledger_export.write_ledger(ctx, out, "ja", with_registry=True)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[t("ledger.sheet.engagements", "ja")]
    header = [c.value for c in sheet[1]]
    ref, parent = header.index(t("ledger.ref", "ja")), header.index(t("ledger.parent_ref", "ja"))
    return {row[ref]: row[parent] for row in sheet.iter_rows(min_row=2, values_only=True) if row[ref]}


def test_the_offices_own_ledger_numbers_are_kept_and_matched_again(ctx, db_path):
    # numbered as the office numbers them, in an order that is not the order links are created in
    links = [["IT-2024-003", "発送業務", "総務部", "IT-2024-007", "ベータ株式会社", "封入作業", "個人情報", "予定"],
             ["IT-2024-007", "発送業務", "総務部", None, "7000012050002", "DM発送", "個人情報", "実施中"]]
    assert ledger_import.import_ledger(ctx, workbook(links=links)).applied
    assert _ledger_refs(ctx) == {"IT-2024-007": None, "IT-2024-003": "IT-2024-007"}
    again = ledger_import.import_ledger(ctx, workbook(links=links))
    assert {s: dict(c) for s, c in again.counts().items()} == {"委託先": {"unchanged": 2}, "委託": {"unchanged": 2}}
    from tracker.services import engagements
    found = engagements.id_of_ref(ctx, "it-2024-003")  # as printed, whatever its case
    assert engagements.get_engagement(ctx, found)["work"] == "封入作業"
    # a link made on the screen gets E<id> once, never a number the ledger already uses
    new = f.link(ctx, f.party(ctx, "ガンマ株式会社"), business_id=engagements.get_engagement(ctx, found)["business_id"])
    assert engagements.get_engagement(ctx, new)["ref"] == f"E{new}"


def test_a_ledger_numbered_e1_to_e7_comes_back_as_it_went_in(ctx, db_path):
    parties = [[f"株式会社委託{n}", "", "JP"] for n in range(1, 8)]
    # E7 at the top, E1 at the bottom: links are created top down, so E7 is made first
    links = [[f"E{n}", "給与計算", "人事部", f"E{n + 1}" if n < 7 else None, f"株式会社委託{n}", f"作業{n}", "個人情報",
              "予定"] for n in range(1, 8)]
    assert ledger_import.import_ledger(ctx, workbook(parties=parties, links=links)).applied
    assert _ledger_refs(ctx) == {f"E{n}": (f"E{n + 1}" if n < 7 else None) for n in range(1, 8)}
    again = ledger_import.import_ledger(ctx, workbook(parties=parties, links=links))
    assert dict(again.counts()["委託"]) == {"unchanged": 7}
