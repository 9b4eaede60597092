"""The request workbook's layout, written by ``outputs/request_workbook`` and read back by
``inputs/request_workbook``: sheet names, the question table's place and columns, the checksum that
ties a workbook to the wording of its questions."""

from __future__ import annotations

import hashlib

from ..domain.questionnaires import Question, QuestionSet

MAIN_SHEET = "回答 Answers"
META_SHEET = "_request"
HEADER_ROW = 9  # the question table's header on the main sheet; questions below it
ANSWERED_BY_CELL = "E7"
TABLE_ROWS = 100  # rows offered on a table question's sheet
# main sheet columns
NUMBER, SECTION, TEXT_JA, TEXT_EN, ANSWER, REQUIRED, SOURCE, QUESTION_ID = "ABCDEFGH"


def checksum(question_set: QuestionSet) -> str:
    """What the questions say, as one fingerprint: a workbook made from other wording is refused."""
    text = "\x1f".join([question_set.id, str(question_set.version)] + [
        "\x1e".join([x.id, str(x.version), x.text_ja, x.text_en]) for x in question_set.questions])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_SHEET_NAME_UNSAFE = str.maketrans({c: " " for c in "[]:*?/\\（）()"})


def table_sheet_name(question: Question) -> str:
    """A sheet name a person reads (Excel allows 31 characters): the question's own words, cut at
    its first bracket or full stop — 「再委託先の一覧」."""
    words = question.text_ja
    for stop in ("（", "(", "。", "、"):
        words = words.split(stop)[0]
    return words.translate(_SHEET_NAME_UNSAFE).strip()[:31] or question.id[:31]
