"""The contract clause catalogue (DOMAIN.md §4): what each link's contract must contain, when, and why.

One TOML file per clause in contract_clauses/. Loading validates every file and names the file and
field at fault, so a bad edit to the catalogue never reaches a user as a wrong gap.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from .models import HOME_COUNTRY, DataCategory


class Level(StrEnum):
    MUST = "must"  # a legal duty
    SHOULD = "should"  # a guideline recommendation (望ましい)


LEVEL_RANK = {Level.MUST: 0, Level.SHOULD: 1}


class Condition(StrEnum):
    ALWAYS = "always"
    MY_NUMBER = "my_number"
    SENSITIVE = "sensitive"
    PAYMENT = "payment"
    ABROAD = "abroad"  # processed or stored outside Japan, or the entrustee is a foreign company
    SUBPROCESSOR = "subprocessor"  # the link is a re-delegation (tier 2+)
    REDELEGATES = "redelegates"  # the entrustee re-delegates further down


# Names an article may use; the addendum generator fills each of them.
PLACEHOLDERS = frozenset({
    "entruster", "entrustee", "work", "data_categories", "places", "agreement", "agreement_start",
    "original_entruster", "inspection_interval", "breach_report_deadline",
})
_PLACEHOLDER = re.compile(r"{([^{}]*)}")
# Text only some addenda carry: {if my_number}…{end} stays where the links carry My Number data.
CONDITIONAL = re.compile(r"{if ([a-z_]*)}(.*?){end}", re.S)
TEXT_CONDITIONS = frozenset({Condition.MY_NUMBER, Condition.SENSITIVE, Condition.PAYMENT, Condition.ABROAD})


@dataclass(frozen=True)
class Trigger:
    condition: Condition
    level: Level


@dataclass(frozen=True)
class Clause:
    id: str
    version: int
    order: int
    title_ja: str
    title_en: str
    summary_ja: str
    summary_en: str
    sources: tuple[str, ...]
    article_ja: str
    article_en: str
    required_when: tuple[Trigger, ...]

    def title(self, lang: str) -> str:
        return self.title_ja if lang == "ja" else self.title_en

    def summary(self, lang: str) -> str:
        return self.summary_ja if lang == "ja" else self.summary_en

    def article(self, lang: str) -> str:
        return self.article_ja if lang == "ja" else self.article_en


class CatalogueError(Exception):
    """A catalogue file is wrong: ``file`` and ``field`` say where."""

    def __init__(self, file: str, field: str, message: str):
        super().__init__(f"{file}: {field}: {message}")
        self.file = file
        self.field = field
        self.message = message


_TEXT_FIELDS = ("title_ja", "title_en", "summary_ja", "summary_en", "article_ja", "article_en")


def parse_clause(data: dict, file: str) -> Clause:
    """A clause from one file's parsed TOML, or CatalogueError naming the field at fault."""

    def fail(field: str, message: str):
        raise CatalogueError(file, field, message)

    clause_id = data.get("id")
    if not isinstance(clause_id, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", clause_id):
        fail("id", "must be a lower-case identifier")
    if Path(file).stem != clause_id:
        fail("id", f"must match the file name ({Path(file).stem})")
    for name in ("version", "order"):
        if not isinstance(data.get(name), int) or isinstance(data.get(name), bool) or data[name] < 1:
            fail(name, "must be a whole number from 1")
    for name in _TEXT_FIELDS:
        if not isinstance(data.get(name), str) or not data[name].strip():
            fail(name, "must be non-empty text")
    for name in ("article_ja", "article_en"):
        wrong = [c for c in CONDITIONAL.findall(data[name]) if c[0] not in TEXT_CONDITIONS]
        if wrong:
            fail(name, f"unknown condition {{if {wrong[0][0]}}}; known: {', '.join(sorted(TEXT_CONDITIONS))}")
        unknown = sorted(set(_PLACEHOLDER.findall(CONDITIONAL.sub(r"\2", data[name]))) - PLACEHOLDERS)
        if unknown:
            fail(name, f"unknown placeholder {{{unknown[0]}}}; known: {', '.join(sorted(PLACEHOLDERS))}")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        fail("sources", "must be a non-empty list of citations")
    triggers = data.get("required_when")
    if not isinstance(triggers, list) or not triggers:
        fail("required_when", "must list at least one condition")
    parsed = []
    for index, trigger in enumerate(triggers):
        where = f"required_when[{index}]"
        try:
            condition = Condition(trigger.get("condition"))
        except (ValueError, AttributeError):
            fail(f"{where}.condition", f"must be one of {', '.join(c.value for c in Condition)}")
        try:
            level = Level(trigger.get("level"))
        except ValueError:
            fail(f"{where}.level", "must be must or should")
        parsed.append(Trigger(condition, level))
    unexpected = set(data) - {"id", "version", "order", "sources", "required_when", *_TEXT_FIELDS}
    if unexpected:
        fail(sorted(unexpected)[0], "is not a catalogue field")
    return Clause(
        id=clause_id, version=data["version"], order=data["order"],
        **{name: data[name].strip() for name in _TEXT_FIELDS},
        sources=tuple(s.strip() for s in sources), required_when=tuple(parsed),
    )


def load_catalogue(folder: Path) -> tuple[Clause, ...]:
    """Every clause in ``folder``, in catalogue order; raises CatalogueError on the first bad file."""
    clauses = []
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise CatalogueError(path.name, "(file)", f"is not valid TOML: {error}") from error
        clauses.append(parse_clause(data, path.name))
    if not clauses:
        raise CatalogueError(str(folder), "(folder)", "holds no clause file")
    orders = [c.order for c in clauses]
    duplicate = next((c for c in clauses if orders.count(c.order) > 1), None)
    if duplicate:
        raise CatalogueError(f"{duplicate.id}.toml", "order", f"{duplicate.order} is used by another clause")
    return tuple(sorted(clauses, key=lambda c: c.order))


class LinkTraits(NamedTuple):  # a tuple: hashed once per link of a 200,000-link registry
    """What the conditions look at on one link."""

    categories: frozenset[DataCategory]
    countries: frozenset[str]  # where processed or stored, and the entrustee's own country
    tier: int
    has_children: bool

    def matches(self, condition: Condition) -> bool:
        match condition:
            case Condition.ALWAYS:
                return True
            case Condition.MY_NUMBER:
                return DataCategory.MY_NUMBER in self.categories
            case Condition.SENSITIVE:
                return DataCategory.SENSITIVE in self.categories
            case Condition.PAYMENT:
                return DataCategory.PAYMENT in self.categories
            case Condition.ABROAD:
                return any(country != HOME_COUNTRY for country in self.countries)
            case Condition.SUBPROCESSOR:
                return self.tier >= 2
            case Condition.REDELEGATES:
                return self.has_children
        raise ValueError(condition)


@dataclass(frozen=True)
class Requirement:
    clause_id: str
    level: Level
    reasons: tuple[Condition, ...]  # the conditions that make it required


def requirements(catalogue: tuple[Clause, ...], traits: LinkTraits) -> dict[str, Requirement]:
    """Clauses this link's own conditions require, each at its strictest matching level."""
    required: dict[str, Requirement] = {}
    for clause in catalogue:
        matched = [t for t in clause.required_when if traits.matches(t.condition)]
        if matched:
            level = min((t.level for t in matched), key=LEVEL_RANK.__getitem__)
            required[clause.id] = Requirement(clause.id, level, tuple(t.condition for t in matched))
    return required
