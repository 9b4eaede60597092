"""The report's rows written as SpreadsheetML text (not through openpyxl's cells): what is written
reads back, in openpyxl and in LibreOffice's terms, as the value it was."""

import zipfile
from datetime import date, datetime

import numpy as np
import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from tracker.outputs.xlsx_report import SheetSpec, write
from tracker.outputs.xlsx_rows import serial, text_xml


def written(tmp_path, rows, formats=None, headers=("a", "b", "c")):
    path = tmp_path / "t.xlsx"
    counts = write(path, [SheetSpec("S", "S", list(headers), rows, formats=formats or {})], "h", "f")
    return counts, openpyxl.load_workbook(path)["S"], path


def test_text_numbers_dates_and_gaps_read_back_as_written(tmp_path):
    rows = [["日本語 & <タグ>", 3, date(2026, 12, 1)],
            [None, 2.5, datetime(2026, 1, 2, 12, 0)],
            ["  spaces kept  ", np.int64(7), None],
            ["line one\nline two", True, date(1900, 3, 1)]]
    counts, sheet, _ = written(tmp_path, rows, formats={2: "yyyy-mm-dd"})
    assert counts == {"S": 4}
    back = list(sheet.iter_rows(min_row=2, values_only=True))
    assert back == [("日本語 & <タグ>", 3, datetime(2026, 12, 1)),
                    (None, 2.5, datetime(2026, 1, 2, 12, 0)),
                    ("  spaces kept  ", 7, None),
                    ("line one\nline two", True, datetime(1900, 3, 1))]
    assert sheet["C2"].number_format == "yyyy-mm-dd" and sheet["C3"].is_date


def test_a_percentage_column_keeps_its_format(tmp_path):
    _, sheet, _ = written(tmp_path, [[1, 0.25, 0]], formats={1: "0.0%"})
    assert sheet["B2"].value == 0.25 and sheet["B2"].number_format == "0.0%" and sheet["A2"].number_format == "General"


def test_control_characters_and_excel_escapes_survive(tmp_path):
    # openpyxl refuses control characters; here they are written as Excel's _xHHHH_ and read back as themselves
    values = ["bell\x07here", "a literal _x0041_ stays", "tab\tand\rcr"]
    _, sheet, _ = written(tmp_path, [[v] for v in values], headers=("v",))
    # Excel decodes _xHHHH_ in any string; openpyxl only in shared strings, so decode as Excel does
    assert [unescape(r[0]) for r in sheet.iter_rows(min_row=2, values_only=True)] == values


def test_text_escaping_and_excel_day_numbers():
    assert text_xml("<a & b>") == "&lt;a &amp; b&gt;"
    assert text_xml("\x01") == "_x0001_" and text_xml("_x0041_") == "_x005F_x0041_"
    assert serial(date(1900, 3, 1)) == 61 and serial(date(2026, 12, 1)) == 46357
    assert serial(datetime(2026, 12, 1, 6)) == pytest.approx(46357.25)


def test_rows_sit_inside_their_sheet_between_header_and_table(tmp_path):
    _, sheet, path = written(tmp_path, [["x", 1, None]] * 3)
    assert [c.value for c in sheet[1]] == ["a", "b", "c"] and sheet["A1"].font.bold
    assert sheet.tables["S"].ref == "A1:C4"
    archive = zipfile.ZipFile(path)
    assert archive.testzip() is None
    part = archive.read("xl/worksheets/sheet1.xml")
    assert part.count(b"<sheetData>") == part.count(b"</sheetData>") == 1
