"""The audit trail as CSV for spreadsheets: a field that a spreadsheet would run as a formula (it
starts with = + - @, a tab or a carriage return: OWASP's CSV-injection list) is written with a
leading apostrophe, so it shows as the text it is. A user name typed on the sign-in form is data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ..domain.audit_chain import AuditRecord
from .xlsx_report import RISKY_START

HEADER = ["id", "at", "username", "action", "table", "row_id", "before", "after", "prev_hash", "hash"]


def neutralised(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(RISKY_START) else value


def write(records: Iterable[AuditRecord]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the Japanese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for r in records:
        writer.writerow([neutralised(v) for v in (r.id, r.at, r.username, r.action, r.table_name, r.row_id,
                                                  r.before, r.after, r.prev_hash, r.hash)])
    return buffer.getvalue().encode("utf-8-sig")
