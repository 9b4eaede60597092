"""The oversight report (.xlsx) for managers: summary, parties, chain, clause matrix, gaps,
schedule, incidents and deletion certificates, filtered by business, department, tier and as-of
date, in the reader's language. Rows are streamed from SQLite into the workbook."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from .. import i18n
from ..domain import countries
from ..domain.clauses import Level
from ..domain.gaps import ClauseState
from ..domain.permissions import Action
from ..domain.schedule import status_of
from ..outputs.xlsx_report import Chart, Highlight, SheetSpec, write
from ..store import report_queries as rq
from . import incidents as incident_service
from . import setup
from .catalogue import catalogue
from .context import Context
from .gaps import clause_matrix, registry_gaps


@dataclass(frozen=True)
class ReportFilter:
    business_id: int | None = None
    department: str | None = None
    tier: int | None = None
    as_of: date | None = None


def departments(ctx: Context) -> list[str]:
    with ctx.read() as db:
        return rq.departments(db)


def write_report(ctx: Context, target: str | Path | IO[bytes], filters: ReportFilter, lang: str) -> dict[str, int]:
    """Write the workbook; returns the data rows of each sheet."""
    ctx.require(Action.EXPORT_REPORTS)
    as_of = filters.as_of or ctx.today
    report = _Report(ctx, filters, as_of, lang)
    organisation = setup.organisation_name(ctx, lang)
    header = f"{organisation} — {report.t('report.title')}"
    footer = report.t("report.as_of", day=as_of.isoformat())
    return write(target, report.sheets(), header, footer)


class _Report:
    def __init__(self, ctx: Context, filters: ReportFilter, as_of: date, lang: str):
        self.ctx, self.filters, self.as_of, self.lang = ctx, filters, as_of, lang
        self.scope = rq.LinkScope(filters.business_id, filters.department, filters.tier)
        self.gaps = registry_gaps(ctx, as_of)

    def t(self, key: str, **params) -> str:
        return i18n.t(key, self.lang, **params)

    def sheets(self) -> list[SheetSpec]:
        t = self.t
        clause_titles = [c.title(self.lang) for c in catalogue()]
        missing, partial = t("report.state.missing"), t("report.state.partial")
        return [
            SheetSpec(t("report.sheet.summary"), "Summary", [
                t("engagement.business"), t("business.owner_department"), t("report.engagements"),
                *[t("engagement.tier_label", tier=n) for n in (1, 2, 3)], t("report.tier4_plus"),
                t("report.approvals_needed"), t("report.approved"), t("report.approval_rate"),
                t("report.links_without_gaps"), t("report.clause_rate"), t("gap.must"), t("report.overdue_reviews"),
                t("report.open_incidents")], self._summary(), [24, 16, 10, 8, 8, 8, 10, 12, 10, 10, 14, 12, 12, 14, 12],
                charts=[Chart(t("report.chart_tiers"), 1, [4, 5, 6, 7], "Q2"),
                        Chart(t("report.chart_gaps"), 1, [13], "Q24")], formats={9: "0.0%", 11: "0.0%"}),
            SheetSpec(t("report.sheet.parties"), "Parties", [
                "ID", t("party.name"), t("party.kana"), t("party.corporate_number"), t("party.address"),
                t("party.country"), t("party.contact_person"), t("party.email"), t("party.phone"), t("party.parent")],
                self._parties(), [8, 32, 24, 16, 36, 12, 16, 28, 16, 28]),
            SheetSpec(t("report.sheet.chain"), "Chain", [
                "ID", t("engagement.business"), t("engagement.tier"), t("report.path"), t("engagement.entruster"),
                t("engagement.entrustee"), t("party.corporate_number"), t("engagement.work"),
                t("engagement.data_categories"), t("engagement.processing_countries"),
                t("engagement.storage_countries"), t("engagement.status"), t("report.approval"),
                t("approval.decided_on"), t("engagement.start_date"), t("engagement.end_date")],
                self._chain(), [8, 22, 7, 60, 26, 26, 16, 30, 24, 16, 16, 10, 12, 12, 12, 12],
                [Highlight(t("report.approval"), t("approval.missing"), "red"),
                 Highlight(t("report.approval"), t("approval.rejected"), "red"),
                 Highlight(t("report.approval"), t("approval.pending"), "orange")]),
            SheetSpec(t("report.sheet.matrix"), "ClauseMatrix", [
                "ID", t("engagement.business"), t("engagement.tier"), t("engagement.entrustee"), *clause_titles],
                self._matrix(), [8, 22, 7, 26] + [12] * len(clause_titles),
                [Highlight("*", missing, "red", skip=4), Highlight("*", partial, "orange", skip=4)]),
            SheetSpec(t("report.sheet.gaps"), "Gaps", [
                "ID", t("engagement.business"), t("engagement.tier"), t("engagement.entrustee"), t("gap.clause"),
                t("gap.level"), t("report.gap_kind"), t("report.source"), t("gap.reasons")],
                self._gaps(), [8, 22, 7, 26, 26, 12, 16, 26, 40],
                [Highlight(t("gap.level"), t("clause.level_must"), "red")]),
            SheetSpec(t("report.sheet.schedule"), "Schedule", [
                t("report.due_on"), t("schedule.status"), t("schedule.kind"), t("engagement.entrustee"),
                t("engagement.work"), t("engagement.business"), t("engagement.tier"), t("engagement.owner")],
                self._schedule(), [12, 12, 24, 28, 30, 22, 7, 16],
                [Highlight(t("schedule.status"), t("schedule.status.overdue"), "red"),
                 Highlight(t("schedule.status"), t("schedule.status.due_soon"), "orange")]),
            SheetSpec(t("report.sheet.incidents"), "Incidents", [
                "ID", t("incident.title"), t("engagement.entrustee"), t("engagement.tier"), t("engagement.business"),
                t("incident.learned_on"), t("incident.we_learned"), t("report.reportable"), t("report.reasons"),
                t("incident.preliminary"), t("incident.final"), t("incident.preliminary_filed_on"),
                t("incident.final_filed_on"), t("incident.closed_on")],
                self._incidents(), [6, 28, 26, 7, 22, 12, 12, 10, 30, 24, 12, 12, 12, 12]),
            SheetSpec(t("report.sheet.certificates"), "DeletionCertificates", [
                t("report.ended_link"), t("termination.ended_on"), t("engagement.entrustee"), t("engagement.tier"),
                t("report.certificate_status"), t("termination.method"), t("termination.items"),
                t("termination.responsible"), t("termination.done_on")],
                self._certificates(), [30, 12, 28, 7, 14, 12, 30, 16, 12],
                [Highlight(t("report.certificate_status"), t("termination.owed_badge"), "red")]),
        ]

    # --- sheets

    def _summary(self) -> Iterator[list]:
        db_path = self.ctx.db_path
        per_link_gaps = {g.engagement_id: g for g in self.gaps.analysis.links}
        stats: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        names = {}
        for link_id, business_id, business, department, tier, approval in rq.open_links(db_path, self.scope):
            s = stats[business_id]
            names[business_id] = (business, department)
            s["links"] += 1
            s[f"tier{min(tier, 4)}"] += 1
            if tier >= 2:
                s["needed"] += 1
                s["approved"] += approval == "approved"
            gaps = per_link_gaps.get(link_id)
            s["clean"] += gaps is None
            s["must"] += gaps.must.bit_count() if gaps else 0
        for business_id, count in rq.overdue_by_business(db_path, self.scope, self.as_of.isoformat()):
            stats[business_id]["overdue"] = count
        for business_id, count in rq.open_incidents_by_business(db_path, self.scope):
            stats[business_id]["incidents"] = count
        for business_id in sorted(names, key=lambda i: names[i]):
            s = stats[business_id]
            yield [*names[business_id], s["links"], s["tier1"], s["tier2"], s["tier3"], s["tier4"], s["needed"],
                   s["approved"], _ratio(s["approved"], s["needed"]), s["clean"], _ratio(s["clean"], s["links"]),
                   s["must"], s["overdue"], s["incidents"]]

    def _parties(self) -> Iterator[list]:
        for row in rq.parties(self.ctx.db_path, self.scope):
            values = list(row)
            values[5] = countries.name(values[5], self.lang)
            yield values

    def _chain(self) -> Iterator[list]:
        """Depth-first per business, so every link's ancestors come before it: the path is a stack."""
        organisation = setup.organisation_name(self.ctx, self.lang)
        above: dict[int, str] = {}
        current_business = None
        for (link_id, business, tier, entruster, entrustee, number, work, categories, processing, storage, status,
             approval, decided_on, start, end, business_id) in rq.chain(self.ctx.db_path, self.scope):
            if business_id != current_business:
                above, current_business = {}, business_id
            above[tier] = entrustee
            path = " → ".join([organisation, *(above[n] for n in range(1, tier + 1) if n in above)])
            yield [link_id, business, tier, path, entruster or organisation, entrustee, number, work,
                   self._categories(categories), self._countries(processing), self._countries(storage),
                   self.t(f"status.{status}"), self._approval(approval, tier), decided_on, start, end]

    def _matrix(self) -> Iterator[list]:
        states = clause_matrix(self.ctx, self.as_of)
        labels = {s: self.t(f"report.state.{s.value}") for s in ClauseState}
        for link_id, business, tier, entrustee in rq.open_link_names(self.ctx.db_path, self.scope):
            yield [link_id, business, tier, entrustee, *(labels[s] for s in states.get(link_id, ()))]

    def _gaps(self) -> Iterator[list]:
        info = {row[0]: row[1:] for row in rq.open_link_names(self.ctx.db_path, self.scope)}
        titles = {c.id: c.title(self.lang) for c in catalogue()}
        links = [g for g in self.gaps.analysis.links if g.engagement_id in info]
        for gap in self.gaps.analysis.gaps(links):
            business, tier, entrustee = info[gap.engagement_id]
            source = (self.t("report.own") if gap.required_by == gap.engagement_id
                      else info.get(gap.required_by, ("", "", str(gap.required_by)))[2])
            yield [gap.engagement_id, business, tier, entrustee, titles[gap.clause_id],
                   self.t(f"clause.level_{Level(gap.level).value}"), self.t(f"gap.kind.{gap.kind}"), source,
                   i18n.join((self.t(f"clause.condition.{c}") for c in gap.reasons), self.lang, phrases=True)]

    def _schedule(self) -> Iterator[list]:
        for due_on, notice, kind, party, work, business, tier, owner in rq.schedule(self.ctx.db_path, self.scope):
            status = status_of(date.fromisoformat(due_on), notice, self.as_of)
            yield [due_on, self.t(f"schedule.status.{status}"), self.t(f"schedule.kind.{kind}"), party, work,
                   business, tier, owner or self.t("schedule.unassigned")]

    def _incidents(self) -> Iterator[list]:
        in_scope = rq.link_ids(self.ctx.db_path, self.scope)
        views, _ = incident_service.incidents_list(self.ctx, include_closed=True, limit=None, engagement_ids=in_scope)
        for view in sorted(views, key=lambda v: v.row["id"]):
            row, due = view.row, view.deadlines
            yield [row["id"], row["title"], view.link.entrustee_name, view.link.tier, view.link.business_name,
                   row["learned_on"], _iso(due.knowledge),
                   self.t("common.yes") if view.classification.reportable else self.t("common.no"),
                   i18n.join((self.t(f"incident.reason.{r}") for r in view.classification.reasons), self.lang,
                             phrases=True),
                   f"{due.preliminary.opens} – {due.preliminary.closes}" if due.preliminary else "", _iso(due.final),
                   row["preliminary_filed_on"], row["final_filed_on"], row["closed_on"]]

    def _certificates(self) -> Iterator[list]:
        for root, ended_on, party, tier, received, method, items, responsible, done_on in rq.certificates(
                self.ctx.db_path, self.scope):
            status = self.t("termination.received", day=received) if received else self.t("termination.owed_badge")
            yield [root, ended_on, party, tier, status, self.t(f"termination.method.{method}") if method else "",
                   items, responsible, done_on]

    # --- values

    def _categories(self, text: str) -> str:
        return i18n.join((self.t(f"category.{c}") for c in json.loads(text)), self.lang)

    def _countries(self, text: str) -> str:
        return ", ".join(countries.name(c, self.lang) for c in json.loads(text))

    def _approval(self, status: str | None, tier: int) -> str:
        if tier < 2:
            return self.t("approval.not_needed")
        return self.t("approval.missing") if status is None else self.t(f"approval.{status}")


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

