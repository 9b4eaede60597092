"""A question set as a form (the vendor's page), and answers shown read-only (the receipt, the review).

Nothing is preselected: a yes/no or a choice starts empty unless it was answered before.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import pandas as pd
import streamlit as st

from ..domain.answers import display, options
from ..domain.questionnaires import AnswerType, Column, Question, QuestionSet
from ..i18n import describe
from .forms import field_errors
from .session import lang, tr
from .tables import literal_table
from .text import md


def _label(item: Question | Column) -> str:
    mark = " ＊" if item.required else ""
    return md(item.text(lang())) + mark


def _choice(item: Question, key: str, current: Any, help: str | None) -> None:
    values = [value for value, _, _ in options(item)]
    names = {value: (ja if lang() == "ja" else en) for value, ja, en in options(item)}
    st.radio(_label(item), values, index=values.index(current) if current in values else None,
             format_func=names.__getitem__, horizontal=len(values) <= 3, key=key, help=help)


def render(question_set: QuestionSet, answers: dict, prefix: str, errors_key: str,
           file_names: dict[int, str]) -> Callable[[], dict]:
    """The questions by section; returns a function reading the answers as the widgets now hold
    them (call it in the same run, after a button: a table's edits are its return value)."""
    tables: dict[str, pd.DataFrame] = {}
    for section in question_set.sections:
        st.subheader(md(section.title(lang())))
        for question in (q for q in question_set.questions if q.section == section.id):
            key = f"{prefix}{question.id}"
            current = answers.get(question.id)
            source = md(question.source) if question.source else None  # the "?" beside the question
            match question.type:
                case AnswerType.YES_NO | AnswerType.CHOICE:
                    _choice(question, key, current, source)
                case AnswerType.TEXT:
                    st.text_area(_label(question), value=current or "", key=key, height=80, help=source)
                case AnswerType.DATE:  # typed as staff write dates (2027年1月15日, R9.1.15), read by the rules
                    st.text_input(_label(question), value=current or "", key=key, help=source,
                                  placeholder=tr("vendor.date_placeholder"))
                case AnswerType.NUMBER:
                    st.number_input(_label(question), value=current, min_value=0, step=1, key=key, help=source)
                case AnswerType.COUNTRY | AnswerType.CORPORATE_NUMBER:
                    st.text_input(_label(question), value=current or "", key=key, help=source)
                case AnswerType.FILE:
                    if current:
                        st.caption(tr("vendor.attached", name=md(file_names.get(current, "?"))))
                    st.file_uploader(_label(question), key=key, help=source)
                case AnswerType.TABLE:
                    tables[question.id] = _table(question, key, current or [])
            field_errors(errors_key, question.id)
            for problem in st.session_state.get(errors_key, []):
                if problem.field and problem.field.startswith(f"{question.id}["):
                    where = problem.field[len(question.id):]
                    st.markdown(f":red[:material/error: {md(where)} {describe(problem, lang(), quote=md)}]")

    def collect() -> dict:
        s = st.session_state
        found: dict[str, Any] = {}
        for question in question_set.questions:
            key = f"{prefix}{question.id}"
            if question.type == AnswerType.TABLE:
                frame = tables[question.id]
                found[question.id] = [{k: (None if pd.isna(v) else v) for k, v in row.items()}
                                      for row in frame.to_dict("records")]
            elif question.type != AnswerType.FILE:
                found[question.id] = s.get(key)
        return found

    return collect


def _table(question: Question, key: str, rows: list[dict]) -> pd.DataFrame:
    """An editable grid; a choice column offers its labels in the user's language (the answer rules
    read a label back as its value)."""
    st.markdown(_label(question))
    columns = [c.id for c in question.columns]
    frame = pd.DataFrame([{c.id: display(c, row.get(c.id), lang()) for c in question.columns} for row in rows],
                         columns=columns, dtype=object)  # an empty cell shows empty, never "None"
    config = {}
    for column in question.columns:
        if options(column):
            config[column.id] = st.column_config.SelectboxColumn(  # a grid header is plain text, not Markdown
                _header(column), options=[display(column, v, lang()) for v, _, _ in options(column)])
        else:
            config[column.id] = st.column_config.TextColumn(_header(column))
    return st.data_editor(frame, column_config=config, num_rows="dynamic", key=key, hide_index=True, width="stretch")


def _header(column: Column) -> str:
    """A grid column's header, ＊ when required: the rules say which cell is missing, in the user's
    language, next to the grid (Streamlit's own check would say it in English only)."""
    return column.text(lang()) + (" ＊" if column.required else "")


def uploads(question_set: QuestionSet, prefix: str) -> dict[str, tuple[str, bytes]]:
    """Files chosen on the form now, by question id."""
    found = {}
    for question in question_set.questions:
        chosen = st.session_state.get(f"{prefix}{question.id}") if question.type == AnswerType.FILE else None
        if chosen is not None:
            found[question.id] = (chosen.name, chosen.getvalue())
    return found


OpenFile = Callable[[int], tuple[str, str, Callable[[], bytes]]]  # id → (name, content type, its content read)


def show_answers(question_set: QuestionSet, answers: dict, file_names: dict[int, str],
                 previous: dict | None = None, changed: Collection[str] = (), open_file: OpenFile | None = None) -> None:
    """Every question with its answer (and last time's, when given, the changed ones marked), a
    table per section; a table answer as a table of its own (its columns, a row per entry); each
    file downloadable under its own name, and an image or PDF previewed, when ``open_file`` is given."""
    for section in question_set.sections:
        st.markdown(f"**{md(section.title(lang()))}**")
        asked = [q for q in question_set.questions if q.section == section.id]
        rows = []
        for question in (q for q in asked if q.type != AnswerType.TABLE):
            rows.append({tr("vendor.question"): question.text(lang()),
                         tr("vendor.answer"): _shown(question, answers.get(question.id), file_names)}
                        | ({tr("request.previous_answer"): _shown(question, previous.get(question.id), file_names),
                            tr("request.change"): tr("request.changed_mark") if question.id in changed else ""}
                           if previous is not None else {}))
        if rows:
            literal_table(pd.DataFrame(rows).set_index(tr("vendor.question")))  # vendor text, shown as it is
        for question in asked:
            if question.type == AnswerType.TABLE:
                _table_answer(question, answers.get(question.id) or [], question.id in changed)
            elif question.type == AnswerType.FILE and answers.get(question.id) is not None and open_file:
                _file_answer(question, answers[question.id], open_file)


def _table_answer(question: Question, rows: list[dict], changed: bool) -> None:
    mark = f" — {tr('request.changed_mark')}" if changed else ""
    st.markdown(f"{md(question.text(lang()))}{md(mark)}")
    if not rows:
        st.caption(tr("request.no_rows"))
        return
    literal_table(pd.DataFrame([{c.text(lang()): display(c, row.get(c.id), lang()) for c in question.columns}
                                for row in rows], index=pd.RangeIndex(1, len(rows) + 1)))


def _file_answer(question: Question, attachment_id: int, open_file: OpenFile) -> None:
    """The evidence file under its original name, beside the question it answers."""
    name, content_type, content = open_file(attachment_id)
    st.download_button(tr("request.open_file", name=md(name)), content, file_name=name, mime=content_type,
                       icon=":material/download:", key=f"file_{question.id}_{attachment_id}", on_click="ignore")
    if content_type.startswith("image/"):  # a preview needs the content now; a download only when clicked
        st.image(content(), caption=name, width=480)
    elif content_type == "application/pdf":
        st.pdf(content(), height=480)


def _shown(question: Question, value: Any, file_names: dict[int, str]) -> str:
    if value is None:
        return ""
    if question.type == AnswerType.FILE:
        return file_names.get(value, "?")
    if question.type == AnswerType.TABLE:
        return tr("request.table_rows", count=len(value))
    return display(question, value, lang())
