"""Vendor text is never Markdown (issue 25, point 1): every answer, table cell and file name a vendor
sends, full of Markdown and HTML, reaches the officer's review and the vendor's own receipt escaped.
The check reads every text element the page drew (tables cell by cell, markdown, captions, alerts,
labels, help texts and options): any unescaped image, link or HTML tag fails it. A static check holds
``st.table`` to the one helper that escapes its cells."""

from __future__ import annotations

import ast
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import files
from tests.pages.test_pages_render import APP, OFFICER, faults, open_page
from tracker.services import request_answers, requests
from tracker.services.context import Context
from tracker.services.requests import RequestDraft
from tracker.store import connection
from tracker.ui.tables import literal

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 22)
LEAK = "http://127.0.0.1:9"
HOSTILE = f"![画像]({LEAK}/leak.png) [リンク]({LEAK}/) <img src='{LEAK}/x.png'> <b>太字</b> **強調** :red[赤]"
# what an unescaped rendering would leave in the text handed to Streamlit (escaped: "\!\[", "\]\(", "\<")
INTERPRETED = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<(?:img|b)\b|(?<!\\)\*\*強調|(?<!\\):red\[")


def texts(at: AppTest) -> list[str]:
    """Every text the page handed to Streamlit where Markdown may be read."""
    found: list[str] = []
    for element in [*at.markdown, *at.caption, *at.title, *at.header, *at.subheader, *at.info, *at.warning,
                    *at.error, *at.success, *at.toast]:
        found.append(str(element.value))
    for table in at.table:
        frame: pd.DataFrame = table.value
        found += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
        found += [str(v) for v in frame.to_numpy().ravel()]
    for widget in [*at.text_input, *at.text_area, *at.selectbox, *at.radio, *at.checkbox, *at.button,
                   *at.date_input, *at.number_input, *at.multiselect, *at.expander]:
        found.append(str(getattr(widget, "label", "")))
        found.append(str(getattr(widget, "help", "") or ""))
        found += [str(o) for o in getattr(widget, "options", []) or []]
    return found


def interpreted(at: AppTest) -> list[str]:
    return [text for text in texts(at) if INTERPRETED.search(text)]


@pytest.fixture
def hostile_answers(app_db):
    """A selection checksheet and a sub-processor declaration answered with hostile text everywhere."""
    ctx = Context(app_db, OFFICER, TODAY)
    with connection.reading(app_db) as db:
        link = db.execute("SELECT id FROM engagements WHERE status = 'active' AND tier = 1 ORDER BY id").fetchone()[0]
    made = {}
    for set_id in ("selection", "subprocessors"):
        issued = requests.create_request(ctx, RequestDraft(link, set_id, TODAY + timedelta(days=30), "回答 花子", ""))
        token = issued.link.split("answer=")[1]
        view = request_answers.open_link(app_db, token, "192.0.2.1", TODAY).view()
        answers, uploads = {}, {}
        for question in view.question_set.questions:
            match question.type:
                case "yes_no":
                    answers[question.id] = "yes"
                case "choice":
                    answers[question.id] = question.choices[0].value
                case "text" | "country":
                    answers[question.id] = HOSTILE if question.type == "text" else "JP"
                case "date":
                    answers[question.id] = "2026-01-01"
                case "number":
                    answers[question.id] = 10
                case "file":
                    uploads[question.id] = ("![画像](leak.png) [リンク](x) <b>太字</b> **強調**.pdf", files.pdf(question.id))
                case "table":
                    answers[question.id] = [{c.id: (HOSTILE[:90] if c.type == "text" else "JP" if c.type == "country"
                                                   else "2026-01-01" if c.type == "date"
                                                   else "" if c.type == "corporate_number" else "no")
                                             for c in question.columns}]
        request_answers.open_link(app_db, token, "192.0.2.1", TODAY).submit(view.version, answers, HOSTILE[:100], uploads)
        made[set_id] = (issued.request_id, token)
    return made


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("set_id", ["selection", "subprocessors"])
def test_the_officers_review_shows_vendor_text_as_text(app_db, hostile_answers, lang, set_id):
    request_id, _ = hostile_answers[set_id]
    at = open_page("pages/oversight/requests.py", lang, {"request": str(request_id)})
    assert not faults(at), faults(at)
    assert at.table, "the answers are on the review"
    assert not interpreted(at), interpreted(at)
    assert any("画像" in text for text in texts(at))  # the answer is there, as text


@pytest.mark.parametrize("set_id", ["selection", "subprocessors"])
def test_the_vendors_receipt_shows_its_own_text_as_text(app_db, hostile_answers, set_id):
    _, token = hostile_answers[set_id]
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["answer"] = token
    at.run()
    assert not faults(at), faults(at)
    assert at.table and not interpreted(at), interpreted(at)


def test_literal_escapes_every_cell_header_and_row_label():
    frame = pd.DataFrame([{HOSTILE: HOSTILE, "n": None}], index=pd.Index([HOSTILE], name=HOSTILE))
    shown = literal(frame)
    for text in [*shown.columns, *shown.index, shown.index.name, *shown.to_numpy().ravel()]:
        assert not INTERPRETED.search(str(text)), text
    assert shown.iloc[0, 1] == ""


def _calls_of_st_table() -> list[str]:
    found = []
    for path in [ROOT / "app.py", *ROOT.glob("pages/**/*.py"), *ROOT.glob("tracker/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "table"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "st"):
                found.append(str(path.relative_to(ROOT)))
            if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
                found.append(f"{path.relative_to(ROOT)}: unsafe_allow_html")
    return found


def test_st_table_is_called_only_by_the_helper_that_escapes_its_cells():
    assert _calls_of_st_table() == ["tracker/ui/tables.py"]
