"""A request as plain text for the terminal (`tracker request show`): what the review screen shows,
in the same words (the message catalogue)."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.answers import display
from ..domain.local_times import shown
from ..domain.questionnaires import AnswerType
from ..i18n import join, t


def _link(link, organisation: str, lang: str) -> str:
    return t("request.link_item", lang, ref=link.ref, name=link.entrustee_name,
             path=" → ".join([organisation, *link.path]))


def request_lines(view, lang: str, zone: str, organisation: str) -> Iterator[str]:
    """``view``: a services.requests.RequestView."""
    row, questions = view.row, view.question_set
    yield f"R{row['id']}  {questions.title(lang)}  [{t('request.state.' + row['state'], lang)}]  " \
          f"{t('request.due_on', lang)}: {row['due_on']}"
    yield f"{view.link['ref']}  {view.link['entrustee_name']} — {view.link['business_name']} " \
          f"({t('request.tier', lang)} {view.link['tier']})"
    if view.also_for:
        yield t("request.also_for", lang, links=join((_link(x, organisation, lang) for x in view.also_for), lang))
    yield f"{t('request.contact_name', lang)}: {row['contact_name'] or '—'} <{row['contact_email'] or '—'}>"
    if row["answered_at"]:
        yield t("request.answered_line", lang, by=row["answered_by"] or "—", at=shown(row["answered_at"], zone))
    if view.contradictions or view.changed:
        yield ""
        yield t("request.contradictions", lang)
        for found in view.contradictions:
            question = questions.question(found.question_id).text(lang) if found.question_id else ""
            links = join((_link(view.links[i], organisation, lang) if i in view.links else f"E{i}"
                          for i in found.links), lang)
            yield "  - " + t(f"request.contradiction.{found.kind}", lang, question=question, day=found.day or "",
                             links=links)
        if view.changed:
            yield "  - " + t("request.changed_list", lang,
                             questions=join((questions.question(q).text(lang) for q in view.changed), lang))
    if view.findings:
        yield ""
        yield t("request.findings", lang)
        for finding in view.findings:
            yield f"  - [{finding.level}] {questions.question(finding.question_id).text(lang)}"
    if view.answers:
        yield ""
        for question in questions.questions:
            value = view.answers.get(question.id)
            mark = "  * " if question.id in view.changed else "    "
            if question.type == AnswerType.TABLE:
                yield f"{mark}{question.text(lang)}:"
                for number, entry in enumerate(value or [], start=1):
                    yield f"        {number}. " + " | ".join(
                        f"{c.text(lang)}: {display(c, entry.get(c.id), lang)}" for c in question.columns
                        if entry.get(c.id) not in (None, ""))
            elif question.type == AnswerType.FILE:
                name = view.attachment_names.get(value, "") if value is not None else ""
                yield f"{mark}{question.text(lang)}: {name}"
            else:
                yield f"{mark}{question.text(lang)}: {display(question, value, lang)}"
