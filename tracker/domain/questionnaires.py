"""Question sets a vendor answers (checksheets, reports, declarations): one TOML file per set in
questionnaires/, validated on load with the file and field at fault, like the clause catalogue.

A set and each of its questions carry a version; an answer records the version of the question it
answered, so that last year's answers stay readable after a question is reworded.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from .clauses import CatalogueError, Level


class AnswerType(StrEnum):
    YES_NO = "yes_no"  # yes / no, and "not applicable" unless the question says na = false
    CHOICE = "choice"
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    COUNTRY = "country"  # a country's code or name (JP, 日本, Japan), kept as its ISO code
    CORPORATE_NUMBER = "corporate_number"  # a 法人番号: 13 digits (full-width too), its check digit right
    FILE = "file"  # an evidence file (the attachment rules apply)
    TABLE = "table"  # rows of columns, each column one of the simple types above


SIMPLE_TYPES = (AnswerType.YES_NO, AnswerType.CHOICE, AnswerType.TEXT, AnswerType.DATE, AnswerType.NUMBER,
                AnswerType.COUNTRY, AnswerType.CORPORATE_NUMBER)

# The sets the product acts on, and the question ids each one's effect reads: a set file without
# them fails to load rather than an accepted answer doing nothing.
KNOWN_SETS: dict[str, frozenset[str]] = {
    "selection": frozenset({"certifications", "past_incidents"}),
    "annual_report": frozenset({"period_from", "period_to", "incidents_in_period", "training_done"}),
    "subprocessors": frozenset({"has_subprocessors", "subprocessors"}),
    "deletion_certificate": frozenset({"items", "media", "quantity", "method", "responsible_person", "done_on",
                                       "witness", "certificate_file", "photo_file"}),
    "incident_notice": frozenset({"learned_on", "what_happened", "individuals", "sensitive", "payment",
                                  "my_number", "wrongful_purpose", "actions_taken"}),
}


@dataclass(frozen=True)
class Choice:
    value: str
    ja: str
    en: str

    def label(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


@dataclass(frozen=True)
class Column:
    """One column of a table question (the sub-processor list: name, data, where …)."""

    id: str
    type: AnswerType
    required: bool
    text_ja: str
    text_en: str
    choices: tuple[Choice, ...] = ()
    na: bool = True

    def text(self, lang: str) -> str:
        return self.text_ja if lang == "ja" else self.text_en


@dataclass(frozen=True)
class Question:
    id: str
    version: int
    section: str
    type: AnswerType
    required: bool
    text_ja: str
    text_en: str
    source: str = ""
    choices: tuple[Choice, ...] = ()
    na: bool = True  # yes_no: "not applicable" may be answered
    finding_if: tuple[str, ...] = ()  # answers that are a finding …
    finding_level: Level | None = None  # … at this level
    columns: tuple[Column, ...] = ()

    def text(self, lang: str) -> str:
        return self.text_ja if lang == "ja" else self.text_en


@dataclass(frozen=True)
class Section:
    id: str
    title_ja: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en


@dataclass(frozen=True)
class QuestionSet:
    id: str
    version: int
    title_ja: str
    title_en: str
    intro_ja: str
    intro_en: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    # said after the intro only on a link that carries My Number data (番号法 applies there alone)
    my_number_note_ja: str = ""
    my_number_note_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en

    def intro(self, lang: str, my_number: bool = False) -> str:
        note = (self.my_number_note_ja if lang == "ja" else self.my_number_note_en) if my_number else ""
        return " ".join(filter(None, [self.intro_ja if lang == "ja" else self.intro_en, note]))

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


class _Reader:
    """Reads one file's fields, failing with the file and the field's path."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, field: str, message: str):
        raise CatalogueError(self.file, field, message)

    def identifier(self, data: dict, field: str, where: str) -> str:
        value = data.get(field)
        if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
            self.fail(f"{where}{field}", "must be a lower-case identifier")
        return value

    def text(self, data: dict, field: str, where: str, required: bool = True) -> str:
        value = data.get(field, None if required else "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}{field}", "must be non-empty text")
        return value.strip()

    def whole(self, data: dict, field: str, where: str) -> int:
        value = data.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(f"{where}{field}", "must be a whole number from 1")
        return value

    def flag(self, data: dict, field: str, where: str, default: bool) -> bool:
        value = data.get(field, default)
        if not isinstance(value, bool):
            self.fail(f"{where}{field}", "must be true or false")
        return value

    def only(self, data: dict, known: set[str], where: str) -> None:
        unexpected = sorted(set(data) - known)
        if unexpected:
            self.fail(f"{where}{unexpected[0]}", "is not a question-set field")

    def answer_type(self, data: dict, where: str, allowed) -> AnswerType:
        try:
            kind = AnswerType(data.get("type"))
        except ValueError:
            kind = None
        if kind not in allowed:
            self.fail(f"{where}type", f"must be one of {', '.join(t.value for t in allowed)}")
        return kind

    def choices(self, data: dict, kind: AnswerType, where: str) -> tuple[Choice, ...]:
        raw = data.get("choices", [])
        if kind != AnswerType.CHOICE:
            if raw:
                self.fail(f"{where}choices", "only a choice question has choices")
            return ()
        if not isinstance(raw, list) or len(raw) < 2:
            self.fail(f"{where}choices", "a choice question needs at least two choices")
        parsed = []
        for index, choice in enumerate(raw):
            at = f"{where}choices[{index}]."
            if not isinstance(choice, dict):
                self.fail(f"{where}choices[{index}]", "must be a table with value, ja and en")
            self.only(choice, {"value", "ja", "en"}, at)
            parsed.append(Choice(self.identifier(choice, "value", at), self.text(choice, "ja", at),
                                 self.text(choice, "en", at)))
        values = [c.value for c in parsed]
        if len(set(values)) != len(values):
            self.fail(f"{where}choices", "values must be different")
        return tuple(parsed)


_SET_FIELDS = {"id", "version", "title_ja", "title_en", "intro_ja", "intro_en", "my_number_note_ja",
               "my_number_note_en", "sections", "questions"}
_QUESTION_FIELDS = {"id", "version", "section", "type", "required", "text_ja", "text_en", "source", "choices",
                    "na", "finding_if", "finding_level", "columns"}
_COLUMN_FIELDS = {"id", "type", "required", "text_ja", "text_en", "choices", "na"}


def parse_set(data: dict, file: str) -> QuestionSet:
    """A question set from one file's parsed TOML, or CatalogueError naming the field at fault."""
    read = _Reader(file)
    read.only(data, _SET_FIELDS, "")
    set_id = read.identifier(data, "id", "")
    if Path(file).stem != set_id:
        read.fail("id", f"must match the file name ({Path(file).stem})")
    version = read.whole(data, "version", "")
    texts = {name: read.text(data, name, "") for name in ("title_ja", "title_en", "intro_ja", "intro_en")}
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        read.fail("sections", "must list at least one section")
    sections = []
    for index, raw in enumerate(raw_sections):
        at = f"sections[{index}]."
        read.only(raw, {"id", "title_ja", "title_en"}, at)
        sections.append(Section(read.identifier(raw, "id", at), read.text(raw, "title_ja", at),
                                read.text(raw, "title_en", at)))
    section_ids = [s.id for s in sections]
    if len(set(section_ids)) != len(section_ids):
        read.fail("sections", "ids must be different")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        read.fail("questions", "must list at least one question")
    questions = [_question(read, raw, f"questions[{index}].", section_ids) for index, raw in enumerate(raw_questions)]
    ids = [q.id for q in questions]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        read.fail("questions", f"id {duplicate} is used twice")
    needed = KNOWN_SETS.get(set_id, frozenset())
    missing = sorted(needed - set(ids))
    if missing:
        read.fail("questions", f"the {set_id} set needs the question {missing[0]} (the product reads it)")
    notes = {name: read.text(data, name, "", required=False) for name in ("my_number_note_ja", "my_number_note_en")}
    return QuestionSet(set_id, version, texts["title_ja"], texts["title_en"], texts["intro_ja"], texts["intro_en"],
                       tuple(sections), tuple(questions), **notes)


def _question(read: _Reader, raw: dict, where: str, section_ids: list[str]) -> Question:
    if not isinstance(raw, dict):
        read.fail(where.rstrip("."), "must be a table")
    read.only(raw, _QUESTION_FIELDS, where)
    question_id = read.identifier(raw, "id", where)
    where = f"questions.{question_id}."  # from here on, named by its id: easier to find than an index
    section = raw.get("section")
    if section not in section_ids:
        read.fail(f"{where}section", f"must be one of the set's sections ({', '.join(section_ids)})")
    kind = read.answer_type(raw, where, tuple(AnswerType))
    choices = read.choices(raw, kind, where)
    finding_if = raw.get("finding_if", [])
    if not isinstance(finding_if, list) or not all(isinstance(v, str) for v in finding_if):
        read.fail(f"{where}finding_if", "must be a list of answers")
    allowed = {"yes", "no", "na"} if kind == AnswerType.YES_NO else {c.value for c in choices}
    if finding_if and kind not in (AnswerType.YES_NO, AnswerType.CHOICE):
        read.fail(f"{where}finding_if", "only a yes_no or choice answer can be a finding")
    wrong = sorted(set(finding_if) - allowed)
    if wrong:
        read.fail(f"{where}finding_if", f"{wrong[0]} is not an answer of this question")
    level = raw.get("finding_level")
    if bool(finding_if) != (level is not None):
        read.fail(f"{where}finding_level", "finding_if and finding_level go together")
    if level is not None and level not in Level._value2member_map_:
        read.fail(f"{where}finding_level", "must be must or should")
    columns = ()
    if kind == AnswerType.TABLE:
        raw_columns = raw.get("columns")
        if not isinstance(raw_columns, list) or not raw_columns:
            read.fail(f"{where}columns", "a table question lists its columns")
        columns = tuple(_column(read, c, f"{where}columns[{i}].") for i, c in enumerate(raw_columns))
        column_ids = [c.id for c in columns]
        if len(set(column_ids)) != len(column_ids):
            read.fail(f"{where}columns", "ids must be different")
    elif "columns" in raw:
        read.fail(f"{where}columns", "only a table question has columns")
    return Question(
        id=question_id, version=read.whole(raw, "version", where), section=section, type=kind,
        required=read.flag(raw, "required", where, False), text_ja=read.text(raw, "text_ja", where),
        text_en=read.text(raw, "text_en", where), source=read.text(raw, "source", where, required=False),
        choices=choices, na=read.flag(raw, "na", where, True), finding_if=tuple(finding_if),
        finding_level=Level(level) if level else None, columns=columns,
    )


def _column(read: _Reader, raw: dict, where: str) -> Column:
    if not isinstance(raw, dict):
        read.fail(where.rstrip("."), "must be a table")
    read.only(raw, _COLUMN_FIELDS, where)
    kind = read.answer_type(raw, where, SIMPLE_TYPES)
    return Column(id=read.identifier(raw, "id", where), type=kind, required=read.flag(raw, "required", where, False),
                  text_ja=read.text(raw, "text_ja", where), text_en=read.text(raw, "text_en", where),
                  choices=read.choices(raw, kind, where), na=read.flag(raw, "na", where, True))


def load_sets(folder: Path) -> dict[str, QuestionSet]:
    """Every set in ``folder`` by id; raises CatalogueError on the first bad file or a missing known set."""
    sets = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise CatalogueError(path.name, "(file)", f"is not valid TOML: {error}") from error
        question_set = parse_set(data, path.name)
        sets[question_set.id] = question_set
    missing = sorted(set(KNOWN_SETS) - set(sets))
    if missing:
        raise CatalogueError(str(folder), "(folder)", f"has no {missing[0]}.toml (the product sends that set)")
    return sets
