"""Breach incidents recorded where they happened, at any tier: classification, report deadlines,
the notices up the chain, the response steps and the reports filed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from ..domain import incidents as rules
from ..domain.incidents import REPORT_TEXTS, IncidentInput  # noqa: F401  (the screens' and callers' names)
from ..domain.chain import ids_in_path
from ..domain.models import DataCategory
from ..domain.permissions import Action
from ..domain.problems import Problem, raise_if_any
from ..domain.webhooks import Event
from ..store import records
from ..store import incident_queries as iq
from ..store import registry_queries as q
from .chains import ChainLink, to_links
from . import revision_cache, webhooks
from .context import Context


@dataclass
class ResponseInput:
    steps: dict[str, date | None] = field(default_factory=dict)
    preliminary_filed_on: date | None = None
    final_filed_on: date | None = None
    individuals_notified_on: date | None = None
    individuals_notice_method: str = ""
    closed_on: date | None = None


@dataclass(frozen=True)
class NoticeView:
    notice: rules.Notice
    from_name: str  # the entrustee that owes the notice
    to_name: str | None  # its entruster; None: us


@dataclass(frozen=True)
class IncidentView:
    row: dict
    link: ChainLink
    classification: rules.Classification
    why: list[tuple[str, dict]]  # the classification in sentences (message key, params)
    notices: list[NoticeView]  # from where it happened up to us
    deadlines: rules.Deadlines
    next_deadline: date | None
    timeline: list[tuple[date, str, dict]]  # (day, message key, params), oldest first
    next_deadline_kind: str | None = None  # what is due then: "notice" (up the chain), "preliminary", "final"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None




def record_incident(ctx: Context, engagement_id: int, data: IncidentInput) -> int:
    """Record a breach where it happened; returns its id. Raises NotFound, RuleViolation,
    PermissionDenied."""
    with ctx.write(Action.HANDLE_INCIDENTS) as db:
        q.engagement(db, engagement_id)  # raises NotFound
        raise_if_any(rules.check_incident(data, ctx.today))
        incident_id = records.insert(db, "incidents", rules.row_values(_stated(db, engagement_id, data)) |
                                     {"engagement_id": engagement_id}, ctx.actor.username)
        webhooks.emit(db, Event.INCIDENT_RECORDED, {
            "incident": incident_id, "engagement": q.engagement(db, engagement_id)["ref"], "title": data.title.strip(),
            "learned_on": data.learned_on.isoformat()})
        return incident_id


def update_incident(ctx: Context, incident_id: int, expected_version: int, data: IncidentInput) -> None:
    """Corrected facts: the classification and every deadline follow; for an incident at a company
    recorded for several chains, the shared facts change in every chain's incident."""
    with ctx.write(Action.HANDLE_INCIDENTS) as db:
        current = _current(db, incident_id)
        raise_if_any(rules.check_incident(data, ctx.today))
        values = rules.row_values(_stated(db, current["engagement_id"], data))
        records.update(db, "incidents", incident_id, expected_version, values, ctx.actor.username)
        if current["party_incident_id"]:  # the same incident at a company: every chain's facts follow
            for sibling in iq.of_party_incident(db, current["party_incident_id"]):
                if sibling["id"] != incident_id:
                    records.update(db, "incidents", sibling["id"], sibling["version"],
                                   rules.shared_values(values, sibling, data.public_exposure), ctx.actor.username)


def record_notice(ctx: Context, incident_id: int, engagement_id: int, notified_on: date, note: str = "") -> None:
    """The entrustee of ``engagement_id`` told its entruster on ``notified_on`` (a later entry for
    the same step replaces the earlier one)."""
    with ctx.write(Action.HANDLE_INCIDENTS) as db:
        incident = _current(db, incident_id)
        notified = iq.notified(db, incident_id)
        notified.pop(engagement_id, None)  # the step being recorded (again)
        notices = rules.notices_up(_path(db, incident), date.fromisoformat(incident["learned_on"]), notified)
        raise_if_any(rules.notice_problems(notices, engagement_id, notified_on, ctx.today))
        existing = iq.notice_id(db, incident_id, engagement_id)
        values = {"notified_on": notified_on.isoformat(), "note": note.strip() or None}
        if existing:
            records.update_unversioned(db, "incident_notices", existing, values, ctx.actor.username)
        else:
            records.insert(db, "incident_notices", values | {"incident_id": incident_id,
                                                             "engagement_id": engagement_id}, ctx.actor.username)


def update_response(ctx: Context, incident_id: int, expected_version: int, data: ResponseInput) -> None:
    """The response steps done, the reports filed, the individuals notified, closing."""
    problems = [Problem(f"step_{s}", "error.invalid_choice") for s in data.steps if s not in rules.Step._value2member_map_]
    dates = {f"step_{s}_on": d for s, d in data.steps.items()} | {
        "preliminary_filed_on": data.preliminary_filed_on, "final_filed_on": data.final_filed_on,
        "individuals_notified_on": data.individuals_notified_on, "closed_on": data.closed_on}
    problems += [Problem(name, "error.date_in_future") for name, d in dates.items() if d and d > ctx.today]
    with ctx.write(Action.HANDLE_INCIDENTS) as db:
        incident = _current(db, incident_id)
        learned = date.fromisoformat(incident["learned_on"])
        problems += [Problem(name, "error.incident.before_learning") for name, d in dates.items() if d and d < learned]
        raise_if_any(problems)
        values = {name: _iso(d) for name, d in dates.items()}
        values["individuals_notice_method"] = data.individuals_notice_method.strip() or None
        records.update(db, "incidents", incident_id, expected_version, values, ctx.actor.username)


def _current(db, incident_id: int) -> dict:
    return records.get(db, "incidents", incident_id, "incident")


def facts_of(row: dict) -> rules.IncidentFacts:
    """The facts of the incident as recorded (what leaked, how many): never the link's data."""
    return rules.IncidentFacts(
        individuals=row["individuals_count"], at_most=row["individuals_at_most"], sensitive=bool(row["sensitive"]),
        financial=bool(row["financial_risk"]), wrongful=bool(row["wrongful_purpose"]),
        public_exposure=bool(row["public_exposure"]), encrypted=bool(row["encrypted"]),
        my_number=bool(row["my_number"]))


def preset_for(ctx: Context, engagement_id: int) -> IncidentInput:
    """A new incident's kinds of data start from what the link carries; the user corrects them."""
    with ctx.read() as db:
        categories = _categories(db, engagement_id)
    return IncidentInput("", None, sensitive=DataCategory.SENSITIVE.value in categories,
                         financial_risk=DataCategory.PAYMENT.value in categories,
                         my_number=DataCategory.MY_NUMBER.value in categories)


def _categories(db, engagement_id: int) -> set[str]:
    link = q.engagement(db, engagement_id)
    return set(link["data_categories"])


def _stated(db, engagement_id: int, data: IncidentInput) -> IncidentInput:
    """``data`` with My Number stated: when the caller did not say, as the link carries."""
    if data.my_number is not None:
        return data
    return replace(data, my_number=DataCategory.MY_NUMBER.value in _categories(db, engagement_id))


def _path(db, incident: dict) -> list[tuple[int, int]]:
    """(link id, tier) from tier 1 down to the link where the incident happened."""
    origin = q.engagement(db, incident["engagement_id"])
    path_ids = ids_in_path(origin["path_key"])
    on_path = q.engagements_by_ids(db, path_ids)
    return [(i, on_path[i]["tier"]) for i in path_ids]


def view_of(db, row: dict) -> IncidentView:
    """An incident row with its classification, notices and deadlines (inside a read the caller opened)."""
    origin = q.engagement(db, row["engagement_id"])
    link = to_links(db, [origin])[0]
    on_path = q.engagements_by_ids(db, ids_in_path(origin["path_key"]))
    notices = rules.notices_up(_path(db, row), date.fromisoformat(row["learned_on"]), iq.notified(db, row["id"]))
    views = [NoticeView(n, on_path[n.link_id]["entrustee_name"], on_path[n.link_id]["entruster_name"]) for n in notices]
    facts = facts_of(row)
    classification = rules.classify(facts)
    knowledge = rules.our_knowledge(notices, _day(row["we_learned_on"]))
    due = rules.deadlines(classification, knowledge, bool(row["wrongful_purpose"]))
    next_day, next_kind = _next_deadline(row, notices, due)
    return IncidentView(row, link, classification, rules.explain(facts), views, due, next_day,
                        _timeline(row, views, knowledge), next_kind)


def _next_deadline(row: dict, notices: list[rules.Notice], due: rules.Deadlines) -> tuple[date | None, str | None]:
    """The soonest deadline still open, and what is due then."""
    if row["closed_on"]:
        return None, None
    pending = [(n.window.closes, "notice") for n in notices if n.window and not n.notified_on]
    if due.preliminary and not row["preliminary_filed_on"]:
        pending.append((due.preliminary.closes, "preliminary"))
    if due.final and not row["final_filed_on"]:
        pending.append((due.final, "final"))
    return min(pending, default=(None, None))


def _timeline(row: dict, notices: list[NoticeView], knowledge: date | None) -> list[tuple[date, str, dict]]:
    events = [(_day(row["occurred_on"]), "incident.event.occurred", {}),
              (_day(row["learned_on"]), "incident.event.learned", {"name": notices[0].from_name if notices else ""}),
              (knowledge, "incident.event.we_learned", {})]
    events += [(n.notice.notified_on, "incident.event.notice", {"from": n.from_name, "to": n.to_name}) if n.to_name
               else (n.notice.notified_on, "incident.event.notice_us", {"from": n.from_name}) for n in notices]
    events += [(_day(row[f"step_{s.value}_on"]), f"incident.step.{s.value}", {}) for s in rules.Step]
    events += [(_day(row["preliminary_filed_on"]), "incident.event.preliminary_filed", {}),
               (_day(row["final_filed_on"]), "incident.event.final_filed", {}),
               (_day(row["individuals_notified_on"]), "incident.event.individuals_notified", {}),
               (_day(row["closed_on"]), "incident.event.closed", {})]
    return sorted(((d, key, params) for d, key, params in events if d), key=lambda e: e[0])


def incident(ctx: Context, incident_id: int) -> IncidentView:
    """An incident with its classification, deadlines and the notices up its chain. Raises NotFound."""
    with ctx.read() as db:
        return view_of(db, _current(db, incident_id))


def incidents_list(ctx: Context, include_closed: bool = False, limit: int | None = 50, offset: int = 0,
                   engagement_ids: set[int] | None = None) -> tuple[list[IncidentView], int]:
    """Incidents, open ones first by their next deadline; ``engagement_ids``: only those that
    happened at these links (left out before their views are built)."""
    with ctx.read() as db:
        rows = [row for row in iq.incidents(db, include_closed)
                if engagement_ids is None or row["engagement_id"] in engagement_ids]
        views = [view_of(db, row) for row in rows]
    views.sort(key=lambda v: (v.row["closed_on"] is not None, v.next_deadline or date.max, -v.row["id"]))
    return views[offset:None if limit is None else offset + limit], len(views)


def open_summary(ctx: Context) -> tuple[int, IncidentView | None]:
    """How many incidents are open, and the one whose deadline comes first (for Home)."""
    def summarise() -> tuple[int, IncidentView | None]:
        views, total = incidents_list(ctx, limit=1)
        return total, views[0] if views else None
    return revision_cache.per_revision(ctx, "open_incidents", summarise, tables=VIEW_TABLES)


# what an incident's view is read from: a write elsewhere leaves a cached view valid
VIEW_TABLES = ("incidents", "incident_notices", "engagements", "approvals", "parties", "businesses")
