"""Contract addenda (覚書) that add missing clauses: which articles, numbered how, and the catalogue
text with its placeholders filled. Pure; the .docx is written by tracker.outputs.addendum_docx."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .clauses import CONDITIONAL, TEXT_CONDITIONS, Clause, Condition, LinkTraits
from .problems import Problem, raise_if_any

_PLACEHOLDER = re.compile(r"{([a-z_]+)}")


class Language(StrEnum):
    JA = "ja"
    EN = "en"
    BOTH = "both"  # two columns, Japanese | English; Japanese prevails

    @property
    def parts(self) -> tuple[str, ...]:
        return ("ja", "en") if self == Language.BOTH else (self.value,)


class AddendumStatus(StrEnum):
    GENERATED = "generated"
    SENT = "sent"
    SIGNED = "signed"


NEXT_STATUS = {AddendumStatus.GENERATED: AddendumStatus.SENT, AddendumStatus.SENT: AddendumStatus.SIGNED}


class PlaceholderMissing(Exception):
    """A placeholder has no value for this addendum: nothing is generated."""

    def __init__(self, placeholder: str, clause_id: str):
        super().__init__(f"{clause_id}: no value for {{{placeholder}}}")
        self.placeholder = placeholder
        self.clause_id = clause_id


def fill(text: str, values: Mapping[str, str], clause_id: str, conditions: frozenset[Condition] = frozenset()) -> str:
    """Keep each ``{if condition}…{end}`` passage only where the condition holds (My Number
    sentences only where My Number data flows), then replace every ``{name}`` in one pass, so that a
    value containing braces is kept literally and never expanded again. A name without a value
    stops generation."""
    text = CONDITIONAL.sub(lambda m: m.group(2) if m.group(1) in conditions else "", text)

    def value(match: re.Match) -> str:
        name = match.group(1)
        if not values.get(name, "").strip():
            raise PlaceholderMissing(name, clause_id)
        return values[name]

    return _PLACEHOLDER.sub(value, text)


def conditions_met(links: Iterable[LinkTraits]) -> frozenset[Condition]:
    """The conditions an addendum's text follows: those any of its links meets (a My Number
    sentence is kept when one of the links carries My Number data)."""
    return frozenset(c for traits in links for c in TEXT_CONDITIONS if traits.matches(c))


def ordered(catalogue: Iterable[Clause], chosen: Iterable[str]) -> list[Clause]:
    """The chosen clauses in catalogue order (unknown ids are refused by the caller)."""
    wanted = set(chosen)
    return sorted((c for c in catalogue if c.id in wanted), key=lambda c: (c.order, c.id))


def article_heading(number: int, title: str, lang: str) -> str:
    return f"第{number}条（{title}）" if lang == "ja" else f"Article {number} ({title})"


def inspection_interval(months: int, lang: str) -> str:
    if lang == "ja":
        return f"{months // 12}年に1回以上" if months % 12 == 0 else f"{months}か月に1回以上"
    if months == 12:
        return "at least once a year"
    return f"at least once every {months // 12} years" if months % 12 == 0 else f"at least once every {months} months"


def breach_report_deadline(days: int, lang: str) -> str:
    if lang == "ja":
        return f"直ちに（遅くとも知った日から{days}日以内に）"
    return f"immediately, and in any case within {days} days of learning of it"


@dataclass(frozen=True)
class Article:
    number: int
    clause_id: str
    headings: dict[str, str]  # per language
    texts: dict[str, str]


def articles(clauses: list[Clause], values: Mapping[str, Mapping[str, str]], languages: tuple[str, ...],
             conditions: frozenset[Condition] = frozenset()) -> list[Article]:
    """One numbered article per clause, in the given order, each text filled for every language;
    ``conditions`` are those the addendum's links meet (see ``fill``)."""
    result = []
    for number, clause in enumerate(clauses, start=1):
        titles = {"ja": clause.title_ja, "en": clause.title_en}
        texts = {"ja": clause.article_ja, "en": clause.article_en}
        result.append(Article(
            number, clause.id, {lang: article_heading(number, titles[lang], lang) for lang in languages},
            {lang: fill(texts[lang], values[lang], clause.id, conditions) for lang in languages}))
    return result


# --- how the articles name things, as a Japanese legal team writes them

_KINDS_JA = {"my_number": "特定個人情報", "sensitive": "要配慮個人情報", "payment": "決済に用いる情報"}
_KINDS_EN = {"my_number": "My Number data", "sensitive": "special-care-required personal information",
             "payment": "information usable for payment"}


def listed(items: list[str], lang: str) -> str:
    """「A」「A及びB」「A、B及びC」; "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    if lang == "ja":
        return "、".join(items[:-1]) + "及び" + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


def data_phrase(categories: Iterable[str], lang: str) -> str:
    """The personal data entrusted, named once: 「個人情報（特定個人情報を含む。）」, never the whole
    listed inside itself."""
    kinds = [k for k in _KINDS_JA if k in set(categories)]
    if lang == "ja":
        return f"個人情報（{listed([_KINDS_JA[k] for k in kinds], lang)}を含む。）" if kinds else "個人情報"
    return f"personal data (including {listed([_KINDS_EN[k] for k in kinds], lang)})" if kinds else "personal data"


def places_phrase(processing: list[str], storage: list[str], lang: str) -> str:
    """Where the work is done, as a sentence: 「日本国内」, 「日本及びシンガポール」, or each place
    named for handling and for storage when they differ (``processing``, ``storage``: country
    names in the language, home country first). Empty when either is unknown: nothing is generated."""
    if not processing or not storage:
        return ""

    def where(names: list[str]) -> str:
        if lang == "ja":
            return "日本国内" if names == ["日本"] else listed(names, lang)
        return "Japan" if names == ["Japan"] else listed(names, lang)
    if processing == storage:
        return where(processing)
    if lang == "ja":
        return f"取扱いは{where(processing)}、保管は{where(storage)}"
    return f"handling in {where(processing)}, storage in {where(storage)}"


def agreement_term(has_base: bool, lang: str, start: bool = False) -> str:
    """What the articles bind: with a base contract 「本契約」 (the base contract and this addendum
    together, as the preamble defines it), without one 「本覚書」 alone."""
    if lang == "ja":
        return "本契約" if has_base else "本覚書"
    word = "the Agreement" if has_base else "this Addendum"
    return word[0].upper() + word[1:] if start else word


BREACH_DAYS = range(1, 6)  # the guideline's "about 3–5 days", at most


def language_of(value: str) -> Language:
    """The addendum's language; RuleViolation for one we do not write."""
    raise_if_any([] if value in {lang.value for lang in Language} else [Problem("language", "error.invalid_choice")])
    return Language(value)


def request_problems(links: list[dict], breach_days: int, base_contract_id: int | None, base: dict | None,
                     chosen: list[str], known: set[str]) -> list[Problem]:
    """What is wrong with an addendum asked for: a report deadline beyond the guideline's, links
    between different parties (one 覚書 binds one pair), a base contract that is not one of the
    links', clauses unknown or none."""
    problems = []
    if breach_days not in BREACH_DAYS:
        problems.append(Problem("breach_report_days", "error.addendum.breach_days"))
    if len({(link["entruster_party_id"], link["entrustee_party_id"]) for link in links}) > 1:
        problems.append(Problem("engagement_ids", "error.addendum.mixed_parties"))
    if base_contract_id and (base is None or base["engagement_id"] not in {link["id"] for link in links}):
        problems.append(Problem("base_contract_id", "error.not_found"))
    problems += [Problem("clause_ids", "error.coverage.unknown_clause") for c in chosen if c not in known][:1]
    if not chosen:
        problems.append(Problem("clause_ids", "error.addendum.no_clauses"))
    return problems


def english_names_missing(entruster: dict | None, entrustee: dict, ours_en: str) -> list[Problem]:
    """An English or bilingual 覚書 names each party in English: a Japanese name without an English
    one recorded is asked for first (the registry for a party, the Users screen for us)."""
    problems = []
    if entruster is None and not ours_en:
        problems.append(Problem("language", "error.addendum.our_english_name_missing"))
    for party in (p for p in (entruster, entrustee) if p is not None):
        if not party["name_en"] and not party["name"].isascii():
            problems.append(Problem("language", "error.addendum.english_name_missing", {"name": party["name"]}))
    return problems
