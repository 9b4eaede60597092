"""The request workbook a vendor's staff opens and prints (issue 26, point 13): rows tall enough for
their question, every column (the answer column included) on the page's width, titles repeated,
sheet names that read as names. Read back through LibreOffice's PDF."""

from __future__ import annotations

from datetime import timedelta

import openpyxl
import pytest

from tests.outputs.libreoffice import needs_libreoffice, pages, squeezed, to_pdf
from tracker.formats.request_workbook_layout import MAIN_SHEET, table_sheet_name
from tracker.outputs.request_workbook import row_height, text_width
from tracker.services import catalogue, requests
from tracker.services.requests import RequestDraft
from tracker.store import connection


@pytest.fixture
def workbooks(demo_ctx, tmp_path):
    """The selection checksheet and the sub-processor declaration of a demo link, as files."""
    with connection.reading(demo_ctx.db_path) as db:
        link = db.execute("SELECT id FROM engagements WHERE status = 'active' AND tier = 1 ORDER BY id").fetchone()[0]
    made = {}
    for set_id in ("selection", "subprocessors"):
        issued = requests.create_request(demo_ctx, RequestDraft(link, set_id, demo_ctx.today + timedelta(days=30)))
        name, data = requests.workbook_of(demo_ctx, issued.request_id)
        path = tmp_path / f"{set_id}.xlsx"
        path.write_bytes(data)
        made[set_id] = path
    return made


def test_sheet_names_read_as_names(workbooks):
    book = openpyxl.load_workbook(workbooks["subprocessors"])
    assert book.sheetnames[:2] == [MAIN_SHEET, "再委託先の一覧"]
    table = catalogue.question_set("subprocessors").question("subprocessors")
    assert table_sheet_name(table) == "再委託先の一覧"


def test_each_question_row_is_tall_enough_for_its_text(workbooks):
    sheet = openpyxl.load_workbook(workbooks["selection"])[MAIN_SHEET]
    question_set = catalogue.question_set("selection")
    for number, question in enumerate(question_set.questions, start=1):
        row = 9 + number
        lines_ja = -(-text_width(question.text_ja) // (sheet.column_dimensions["C"].width - 1))
        assert sheet.row_dimensions[row].height >= lines_ja * 15, question.id


def test_a_full_width_character_counts_twice():
    assert text_width("委託") == 4 and text_width("ab") == 2
    assert row_height([("あ" * 40, 41)]) == 2 * 15 + 4  # 80 widths in 40 a line: two lines


@needs_libreoffice
def test_printed_every_question_is_whole_and_the_answer_column_is_on_the_first_page(workbooks):
    pdf = to_pdf(workbooks["selection"])
    printed = pages(pdf)
    first = squeezed(printed[0])
    assert "回答Answer" in first and "必須Req." in first  # every column fits the page's width
    whole = squeezed("".join(printed))
    for question in catalogue.question_set("selection").questions:
        assert squeezed(question.text_ja) in whole, f"{question.id} is cut in print"
    assert 2 <= len(printed) <= 12, len(printed)
    assert all("回答Answer" in squeezed(page) for page in printed[1:] if "No." in page)  # titles repeated


@needs_libreoffice
def test_the_declaration_prints_its_table_sheet_with_its_headers(workbooks):
    printed = "".join(pages(to_pdf(workbooks["subprocessors"])))
    assert "名称" in printed and "法人番号" in printed
