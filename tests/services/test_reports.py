"""The oversight report read back with openpyxl: sheets, row counts against the database, tables,
formats, print set-up, filters, and spreadsheet injection neutralised."""

import io
import zipfile
from datetime import date

import openpyxl
import pytest

from tests import factories as f
from tests.conftest import context_for
from tracker.domain.permissions import Role
from tracker.services import reports
from tracker.services.context import PermissionDenied
from tracker.services.reports import ReportFilter
from tracker.store import connection

SHEETS = ["Summary", "Parties", "Chain", "Clause matrix", "Gaps", "Schedule", "Incidents", "Deletion certificates"]
RISKY = ["=HYPERLINK(\"http://x\",\"y\")", "+81 3", "-1+2", "@SUM(A1)"]  # names are trimmed: tab/CR below


def report(ctx, filters=ReportFilter(), lang="en") -> tuple[bytes, openpyxl.Workbook]:
    out = io.BytesIO()
    reports.write_report(ctx, out, filters, lang)
    return out.getvalue(), openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def scalar(db_path, sql):
    with connection.reading(db_path) as db:
        return db.execute(sql).fetchone()[0]


def test_every_sheet_is_there_with_as_many_rows_as_the_database_holds(demo_ctx, db_path):
    _, book = report(demo_ctx)
    assert book.sheetnames == SHEETS
    rows = {ws.title: ws.max_row - 1 for ws in book}
    assert rows["Parties"] == scalar(db_path, "SELECT count(*) FROM parties")
    assert rows["Chain"] == scalar(db_path, "SELECT count(*) FROM engagements")
    assert rows["Clause matrix"] == scalar(db_path, "SELECT count(*) FROM engagements WHERE status <> 'ended'")
    assert rows["Schedule"] == scalar(db_path, "SELECT count(*) FROM due_items")
    assert rows["Incidents"] == scalar(db_path, "SELECT count(*) FROM incidents")
    assert rows["Summary"] == scalar(db_path, "SELECT count(DISTINCT business_id) FROM engagements WHERE status <> 'ended'")
    gaps = sum(1 for _ in book["Gaps"].iter_rows(min_row=2))
    from tracker.services.gaps import summary
    counted = summary(demo_ctx)
    assert gaps == counted.must + counted.should


def test_tables_frozen_headers_formats_and_print_set_up(demo_ctx):
    _, book = report(demo_ctx, ReportFilter(as_of=date(2026, 11, 22)))
    for sheet in book:
        if sheet.max_row > 1:
            (table,) = sheet.tables.values()
            assert table.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert sheet.freeze_panes == "A2"
        assert (sheet.page_setup.orientation, str(sheet.page_setup.paperSize), sheet.page_setup.fitToWidth) == (
            "landscape", "9", 1)
        assert "2026-11-22" in sheet.oddFooter.left.text
    overdue = [r for r in book["Schedule"].conditional_formatting for rule in r.rules if '"Overdue"' in rule.formula]
    missing = [r for r in book["Clause matrix"].conditional_formatting for rule in r.rules if '"Missing"' in rule.formula]
    assert overdue and missing
    assert book["Summary"]["J2"].number_format == "0.0%"

def test_charts_are_in_the_file(demo_ctx):
    content, _ = report(demo_ctx)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert sum(1 for n in names if n.startswith("xl/charts/chart")) == 2


def test_headers_follow_the_language(demo_ctx):
    _, book = report(demo_ctx, lang="ja")
    assert book.sheetnames[0] == "サマリー" and book["委託先"]["B1"].value == "名称"


def test_filters_narrow_every_sheet(demo_ctx, db_path):
    business_id = scalar(db_path, "SELECT id FROM businesses WHERE name = '給与計算・年末調整'")
    _, book = report(demo_ctx, ReportFilter(business_id=business_id))
    assert book["Chain"].max_row - 1 == scalar(db_path, f"SELECT count(*) FROM engagements WHERE business_id = {business_id}")
    assert {r[1] for r in book["Chain"].iter_rows(min_row=2, values_only=True)} == {"給与計算・年末調整"}
    _, book = report(demo_ctx, ReportFilter(tier=2))
    assert {r[2] for r in book["Chain"].iter_rows(min_row=2, values_only=True)} == {2}


def test_formula_like_text_is_written_as_text(ctx):
    business = f.business(ctx)
    for name in RISKY:
        f.link(ctx, f.party(ctx, name), business_id=business, work=name)
    content, book = report(ctx)
    cells = [c for row in book["Parties"].iter_rows(min_row=2, min_col=2, max_col=2) for c in row]
    assert sorted(c.value for c in cells) == sorted(RISKY)
    assert all(c.data_type == "s" for c in cells)
    archive = zipfile.ZipFile(io.BytesIO(content))
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_tab_and_carriage_return_first_are_text_too(tmp_path):
    from tracker.outputs.xlsx_report import SheetSpec, write

    values = ["\t=1+1", "\r=2+2", "=3+3", "plain"]
    write(tmp_path / "t.xlsx", [SheetSpec("S", "S", ["v"], [[v] for v in values])], "h", "f")
    cells = [row[0] for row in openpyxl.load_workbook(tmp_path / "t.xlsx")["S"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in values]
    assert [c.quotePrefix for c in cells] == [True, True, True, False]


@pytest.mark.parametrize("role, allowed", [(Role.MANAGER, True), (Role.PRIVACY_OFFICER, True),
                                           (Role.PROCUREMENT, False), (Role.ADMIN, False)])
def test_who_may_export(db_path, role, allowed):
    ctx = context_for(db_path, role)
    if allowed:
        report(ctx)
    else:
        with pytest.raises(PermissionDenied):
            report(ctx)


def test_a_sheet_longer_than_excel_allows_continues_on_the_next(tmp_path):
    from tracker.outputs.xlsx_report import SheetSpec, write

    counts = write(tmp_path / "t.xlsx", [SheetSpec("Gaps", "Gaps", ["n"], ([n] for n in range(7)))], "h", "f",
                   max_rows=4)  # three data rows per sheet here, 1,048,575 in Excel
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert counts == {"Gaps": 7} and book.sheetnames == ["Gaps", "Gaps (2)", "Gaps (3)"]
    assert [[r[0] for r in book[s].iter_rows(min_row=2, values_only=True)] for s in book.sheetnames] == [
        [0, 1, 2], [3, 4, 5], [6]]
    assert list(book["Gaps (2)"].tables) == ["Gaps2"] and book["Gaps (3)"]["A1"].value == "n"
    exact = write(tmp_path / "u.xlsx", [SheetSpec("S", "S", ["n"], ([n] for n in range(3)))], "h", "f", max_rows=4)
    assert exact == {"S": 3} and openpyxl.load_workbook(tmp_path / "u.xlsx").sheetnames == ["S"]
