"""Breaches (漏えい等, DOMAIN.md §6): whether one must be reported to the PPC and why, the report
deadlines, and the notices owed up the chain from the entrustee where it happened to us. Pure:
everything is recomputed from the facts whenever they change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .problems import Problem
from .working_days import next_working_day

MORE_THAN = 1000  # APPI 施行規則 Art. 7 ④
MY_NUMBER_MORE_THAN = 100  # 番号法 Art. 29-4 and its rule
PRELIMINARY_DAYS = (3, 5)  # "about 3–5 days" (通則編 3-5-3-3)
FINAL_DAYS, FINAL_DAYS_WRONGFUL = 30, 60


class Reason(StrEnum):
    SENSITIVE = "sensitive"  # ① 要配慮個人情報
    FINANCIAL = "financial"  # ② risk of financial loss
    WRONGFUL = "wrongful"  # ③ wrongful purpose (不正の目的)
    OVER_1000 = "over_1000"  # ④ more than 1,000 individuals
    MY_NUMBER_OVER_100 = "my_number_over_100"
    MY_NUMBER_PUBLIC = "my_number_public"  # exposed to the public online


class Step(StrEnum):
    """The response steps (002… 1.(1)–(6))."""

    CONTAINMENT = "containment"  # internal report and containment
    FACTS = "facts"  # fact finding and cause
    SCOPE = "scope"  # scope of impact
    PREVENTION = "prevention"  # prevention measures
    INDIVIDUALS = "individuals"  # contacting the individuals
    PUBLICATION = "publication"  # publishing the facts and measures


@dataclass(frozen=True)
class IncidentFacts:
    individuals: int | None = None  # known number of individuals
    at_most: int | None = None  # "unknown, at most N"
    sensitive: bool = False
    financial: bool = False
    wrongful: bool = False
    public_exposure: bool = False
    encrypted: bool = False  # strong encryption: not a reportable leak
    my_number: bool = False  # My Number (特定個人情報) is among what leaked


@dataclass(frozen=True)
class Classification:
    reportable: bool
    reasons: tuple[Reason, ...]
    exempt_by_encryption: bool = False


def classify(facts: IncidentFacts) -> Classification:
    """Reportable when any category applies; "may have happened" counts, so an unknown number
    counts at its upper bound. Strong encryption exempts."""
    number = facts.individuals if facts.individuals is not None else facts.at_most
    reasons = []
    if facts.sensitive:
        reasons.append(Reason.SENSITIVE)
    if facts.financial:
        reasons.append(Reason.FINANCIAL)
    if facts.wrongful:
        reasons.append(Reason.WRONGFUL)
    if number is not None and number > MORE_THAN:
        reasons.append(Reason.OVER_1000)
    if facts.my_number and number is not None and number > MY_NUMBER_MORE_THAN:
        reasons.append(Reason.MY_NUMBER_OVER_100)
    if facts.my_number and facts.public_exposure:
        reasons.append(Reason.MY_NUMBER_PUBLIC)
    if facts.encrypted:
        return Classification(False, (), exempt_by_encryption=bool(reasons))
    return Classification(bool(reasons), tuple(reasons))


def explain(facts: IncidentFacts) -> list[tuple[str, dict]]:
    """Why an incident is or is not reportable, as (message key, params) sentences: each rule
    that applies with its source, or each threshold that was not reached."""
    number = facts.individuals if facts.individuals is not None else facts.at_most
    counted = {"count": "?" if number is None else f"{number:,}"}
    classification = classify(facts)
    if facts.encrypted and classification.exempt_by_encryption:
        return [("incident.why.encrypted", {})]
    if classification.reportable:
        return [(f"incident.why.{reason.value}", counted | {"limit": {Reason.OVER_1000: f"{MORE_THAN:,}",
                                                                     Reason.MY_NUMBER_OVER_100: MY_NUMBER_MORE_THAN
                                                                     }.get(reason, "")})
                for reason in classification.reasons]
    sentences = [("incident.why_not.no_kind", {})]
    sentences.append(("incident.why_not.count", counted | {"limit": f"{MORE_THAN:,}"}) if number is not None
                     else ("incident.why_not.count_unknown", {}))
    if facts.my_number and number is not None:
        sentences.append(("incident.why_not.my_number_count", counted | {"limit": MY_NUMBER_MORE_THAN}))
    return sentences


def day(knowledge: date, n: int) -> date:
    """Day ``n`` counting the day of knowledge as day 1."""
    return knowledge + timedelta(days=n - 1)


@dataclass(frozen=True)
class Window:
    opens: date  # day 3
    closes: date  # day 5, moved to the next working day


def prompt_window(learned: date) -> Window:
    """A prompt report or notice: about 3–5 days after learning of it."""
    first, last = PRELIMINARY_DAYS
    return Window(day(learned, first), next_working_day(day(learned, last)))


def final_due(knowledge: date, wrongful: bool) -> date:
    """30 days (60 for a wrongful purpose), day 1 the day of knowledge; a deadline on a weekend,
    a national holiday or 12/29–1/3 moves to the next working day."""
    return next_working_day(day(knowledge, FINAL_DAYS_WRONGFUL if wrongful else FINAL_DAYS))


@dataclass(frozen=True)
class Notice:
    """The entrustee of ``link_id`` tells its entruster (us at tier 1)."""

    link_id: int
    tier: int
    learned_on: date | None  # when this entrustee learned; None: not yet told from below
    window: Window | None
    notified_on: date | None

    def state(self, today: date) -> str:
        """"notified", "overdue" (its window has closed), "due" (it knows, has not told yet) or
        "waiting" (not yet told from below)."""
        if self.notified_on:
            return "notified"
        if self.window is None:
            return "waiting"
        return "overdue" if self.window.closes < today else "due"


def notices_up(path: Sequence[tuple[int, int]], origin_learned: date, notified: Mapping[int, date]) -> list[Notice]:
    """The notices owed from the link where it happened (last of ``path``, (link id, tier) from
    tier 1 down) up to us: each entrustee learns when the one below tells it."""
    notices = []
    learned: date | None = origin_learned
    for link_id, tier in reversed(path):
        told = notified.get(link_id)
        notices.append(Notice(link_id, tier, learned, prompt_window(learned) if learned else None, told))
        learned = told
    return notices


def notice_problems(notices: Sequence[Notice], link_id: int, notified_on: date | None, today: date) -> list[Problem]:
    """A notice up the chain can be given only by an entrustee that knows: not before the day it
    learned of the incident (from the one below it, or where it happened), nor in the future."""
    notice = next((n for n in notices if n.link_id == link_id), None)
    if notice is None:
        return [Problem("engagement_id", "error.incident.not_on_path")]
    if notified_on is None:
        return [Problem("notified_on", "error.required")]
    if notified_on > today:
        return [Problem("notified_on", "error.date_in_future")]
    if notice.learned_on is None:
        return [Problem("notified_on", "error.incident.sender_not_told")]
    if notified_on < notice.learned_on:
        return [Problem("notified_on", "error.incident.notice_before_learning",
                        {"learned_on": notice.learned_on.isoformat()})]
    return []


def our_knowledge(notices: list[Notice], learned_directly: date | None) -> date | None:
    """When we learned of it: the tier-1 entrustee's notice, or earlier if we heard directly."""
    told = notices[-1].notified_on if notices else None
    known = [d for d in (told, learned_directly) if d]
    return min(known) if known else None


@dataclass(frozen=True)
class Deadlines:
    knowledge: date | None
    preliminary: Window | None
    final: date | None


def deadlines(classification: Classification, knowledge: date | None, wrongful: bool) -> Deadlines:
    if not classification.reportable or knowledge is None:
        return Deadlines(knowledge, None, None)
    return Deadlines(knowledge, prompt_window(knowledge), final_due(knowledge, wrongful))


@dataclass
class IncidentInput:
    title: str
    learned_on: date | None
    description: str = ""
    data_items: str = ""
    occurred_on: date | None = None
    we_learned_on: date | None = None
    individuals_count: int | None = None
    individuals_at_most: int | None = None
    sensitive: bool = False
    financial_risk: bool = False
    wrongful_purpose: bool = False
    public_exposure: bool = False
    encrypted: bool = False
    my_number: bool | None = None  # My Number data among what leaked; None: as the link carries
    # what the report to the PPC says beyond the facts above (施行規則第8条第1項 第4・5・8・9号)
    cause: str = ""
    secondary_harm: str = ""
    prevention_measures: str = ""
    other_notes: str = ""


REPORT_TEXTS = ("cause", "secondary_harm", "prevention_measures", "other_notes")

# what an incident at a company says for every chain it touched; the number of individuals and the
# kinds of data that leaked are each chain's own
SHARED_FACTS = ("title", "description", "data_items", "occurred_on", "learned_on", "we_learned_on",
                "wrongful_purpose", "encrypted", *REPORT_TEXTS)


def check_incident(data: IncidentInput, today: date) -> list[Problem]:
    """The facts as entered: a title, when it was learned, no day in the future, none before it happened."""
    problems = []
    if not data.title.strip():
        problems.append(Problem("title", "error.required"))
    if data.learned_on is None:
        problems.append(Problem("learned_on", "error.required"))
    for name in ("occurred_on", "learned_on", "we_learned_on"):
        value = getattr(data, name)
        if value is not None and value > today:
            problems.append(Problem(name, "error.date_in_future"))
    if data.occurred_on and data.learned_on and data.learned_on < data.occurred_on:
        problems.append(Problem("learned_on", "error.incident.learned_before_occurred"))
    for name in ("individuals_count", "individuals_at_most"):
        if (getattr(data, name) or 0) < 0:
            problems.append(Problem(name, "error.not_negative"))
    return problems


def row_values(data: IncidentInput) -> dict:
    """The columns the facts set (an exact count replaces an upper bound; public exposure is a My
    Number fact only)."""
    return {
        "title": data.title.strip(), "description": data.description.strip() or None,
        "data_items": data.data_items.strip() or None, "occurred_on": _isoformat(data.occurred_on),
        "learned_on": _isoformat(data.learned_on), "we_learned_on": _isoformat(data.we_learned_on),
        "individuals_count": data.individuals_count,
        "individuals_at_most": None if data.individuals_count is not None else data.individuals_at_most,
        "sensitive": int(data.sensitive), "financial_risk": int(data.financial_risk),
        "wrongful_purpose": int(data.wrongful_purpose),
        "encrypted": int(data.encrypted), "my_number": int(data.my_number),
        "public_exposure": int(data.my_number and data.public_exposure),
        **{name: getattr(data, name).strip() or None for name in REPORT_TEXTS},
    }


def shared_values(values: dict, sibling: dict, public_exposure: bool) -> dict:
    """The shared facts of ``values`` (as ``row_values`` gives them) for another chain's incident:
    public exposure of My Number only where that chain's incident involves My Number."""
    return {name: values[name] for name in SHARED_FACTS} | {
        "public_exposure": int(bool(sibling["my_number"]) and public_exposure)}


def _isoformat(day: date | None) -> str | None:
    return day.isoformat() if day else None
