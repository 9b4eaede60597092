"""A sheet's data rows as SpreadsheetML text, written straight to a file.

openpyxl makes a cell object for every value it writes (about 7 µs a cell: a report at 50,000
parties is some 13 million cells, two minutes). The report's rows hold only text, numbers and
dates, which need no object: each becomes its ``<c>`` element here, several times faster, and
``xlsx_report`` places the rows inside the sheet openpyxl wrote around them (header, table,
formats, print set-up). The style of a dated or formatted column, and of text kept from running as
a formula, is registered in the workbook by openpyxl and referred to here by its index.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl.utils import get_column_letter

RISKY_START = ("=", "+", "-", "@", "\t", "\r")  # text a spreadsheet would run as a formula
_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (its day 60 is the 1900 leap day that never was)
# characters XML 1.0 cannot carry, and text that already looks like Excel's escape for them
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_SPECIAL = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")  # either, or markup


def text_xml(value: str) -> str:
    """``value`` as the content of a ``<t>`` element: XML-escaped (a bare CR too, which would read
    back as LF); a control character written as Excel's ``_xHHHH_`` escape (openpyxl refuses them),
    and a literal ``_xHHHH_`` escaped in turn so that it reads back as itself."""
    if not _SPECIAL.search(value):  # most text: nothing to do
        return value
    if _UNWRITABLE.search(value):
        value = _UNWRITABLE.sub(lambda m: "_x005F" + m[0] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def serial(value: date | datetime) -> float | int:
    """A date as Excel's day number (the 1900 date system)."""
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return value.toordinal() - _EPOCH.toordinal()


class RowWriter:
    """Writes rows from row 2 on (row 1, the header, is openpyxl's).

    ``formats``: 0-based column → style index of its number format (dates, percentages);
    ``dated``: style index for a date in a column without one; ``quoted``: style index of text kept
    as text (a quote prefix)."""

    def __init__(self, out: IO[bytes], formats: dict[int, int], dated: int, quoted: int, columns: int):
        self.out, self.formats, self.dated, self.quoted = out, formats, dated, quoted
        self.letters = [get_column_letter(n) for n in range(1, columns + 1)]
        self.rows = 0
        self._pending: list[str] = []

    def write(self, rows: Iterator[Sequence[Any]], limit: int) -> bool:
        """Up to ``limit`` rows; True when ``rows`` ran out before the limit was reached."""
        for values in rows:
            self.rows += 1
            number = self.rows + 1
            cells = [self._cell(f"{self.letters[i]}{number}", i, v) for i, v in enumerate(values) if v is not None]
            self._pending.append(f'<row r="{number}">{"".join(cells)}</row>')
            if len(self._pending) == 2000:
                self.flush()
            if self.rows == limit:
                return False
        return True

    def flush(self) -> None:
        self.out.write("".join(self._pending).encode("utf-8"))
        self._pending = []

    def _cell(self, ref: str, column: int, value: Any) -> str:
        if isinstance(value, str):
            space = ' xml:space="preserve"' if value != value.strip() else ""
            style = f' s="{self.quoted}"' if value.startswith(RISKY_START) else ""
            return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text_xml(value)}</t></is></c>'
        style_id = self.formats.get(column)
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (date, datetime)):
            return f'<c r="{ref}" s="{self.dated if style_id is None else style_id}"><v>{serial(value)}</v></c>'
        if isinstance(value, numbers.Real) and math.isfinite(value):
            style = "" if style_id is None else f' s="{style_id}"'
            return f'<c r="{ref}"{style}><v>{value}</v></c>'
        return self._cell(ref, column, str(value))
