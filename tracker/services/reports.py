"""The oversight report (.xlsx) for managers: summary, parties, chain, clause matrix, gaps,
schedule, incidents and deletion certificates, filtered by business, department, tier and as-of
date, in the reader's language. Rows are streamed from SQLite into the workbook."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from .. import i18n
from ..domain import countries
from ..domain.attachment_rules import document_name
from ..domain.gaps import ClauseState, bits
from ..domain.permissions import Action
from ..domain.requests import is_overdue
from ..domain.schedule import status_of
from ..outputs.xlsx_overview import Block, Figure, Overview, write_overview
from ..outputs.xlsx_report import DATE_FORMAT, Highlight, Progress, SheetSpec, write
from ..store import registry_queries as q
from ..store import report_queries as rq
from . import incidents as incident_service
from . import setup
from .catalogue import catalogue, question_sets
from .context import Context
from .gaps import clause_matrix, registry_gaps


@dataclass(frozen=True)
class ReportFilter:
    business_id: int | None = None
    department: str | None = None
    tier: int | None = None
    as_of: date | None = None


def departments(ctx: Context) -> list[str]:
    """Every department that owns a business (the report's filter)."""
    with ctx.read() as db:
        return rq.departments(db)


def write_report(ctx: Context, target: str | Path | IO[bytes], filters: ReportFilter, lang: str,
                 progress: Progress | None = None) -> dict[str, int]:
    """Write the workbook (the one-page overview first); returns the data rows of each detail sheet."""
    ctx.require(Action.EXPORT_REPORTS)
    as_of = filters.as_of or ctx.today
    report = _Report(ctx, filters, as_of, lang)
    organisation = setup.organisation_name(ctx, lang)
    header = f"{organisation} — {report.t('report.title')}"
    footer = report.t("report.as_of", day=as_of.isoformat())
    overview = report.overview(organisation, header, footer)
    return write(target, report.sheets(), header, footer, first=lambda book: write_overview(book, overview),
                 progress=progress)


def file_name(ctx: Context, filters: ReportFilter, lang: str) -> str:
    """「監督レポート_<組織>_<基準日>.xlsx」: what it is, whose, as of when."""
    as_of = (filters.as_of or ctx.today).isoformat()
    return document_name([i18n.t("report.file", lang), setup.organisation_name(ctx, lang), as_of], ".xlsx")


OVERVIEW_BUSINESSES = 10  # rows by business on the one-page overview (all of them on the Summary sheet)
OVERVIEW_FINDINGS = 8  # links with the most must-level gaps named on the overview


@dataclass
class _Figures:
    """Counts of one business (or of the whole scope)."""

    links: int = 0
    tiers: list[int] = field(default_factory=lambda: [0, 0, 0, 0])  # tier 1, 2, 3, 4+
    needed: int = 0  # links at tier 2 or deeper: each needs an approval
    approved: int = 0
    clean: int = 0  # links whose every required clause is in a contract in force
    must: int = 0  # must-level clause gaps (link × clause)
    must_links: int = 0
    overdue: int = 0
    incidents: int = 0

    def add(self, other: _Figures) -> None:
        for name in ("links", "needed", "approved", "clean", "must", "must_links", "overdue", "incidents"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.tiers = [a + b for a, b in zip(self.tiers, other.tiers, strict=True)]


class _Report:
    def __init__(self, ctx: Context, filters: ReportFilter, as_of: date, lang: str):
        self.ctx, self.filters, self.as_of, self.lang = ctx, filters, as_of, lang
        self.scope = rq.LinkScope(filters.business_id, filters.department, filters.tier)
        self.gaps = registry_gaps(ctx, as_of)
        self.titles = [c.title(lang) for c in catalogue()]
        self._by_business: list[tuple[str, str, _Figures]] | None = None
        self.entrustees = 0
        # texts made once: a sheet repeats a handful of statuses and category lists over 100,000s of rows
        self._made: dict[tuple, str] = {}

    def t(self, key: str, **params) -> str:
        if params:
            return i18n.t(key, self.lang, **params)
        return self._once(("t", key), lambda: i18n.t(key, self.lang))

    def _once(self, key: tuple, make) -> str:
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = make()
        return found

    def overview(self, organisation: str, header: str, footer: str) -> Overview:
        t = self.t
        businesses = self.by_business()
        total = _Figures()
        for _, _, figures in businesses:
            total.add(figures)
        owed = sum(1 for row in rq.certificates(self.ctx.db_path, self.scope) if row[4] is None)
        figures = [
            Figure(t("report.fig.links"), total.links, t("report.def.links")),
            Figure(t("report.fig.entrustees"), self.entrustees, t("report.def.entrustees")),
            Figure(t("report.fig.redelegations"), total.needed, t("report.def.redelegations")),
            Figure(t("report.approval_rate"), _ratio(total.approved, total.needed), t("report.def.approval_rate"), True),
            Figure(t("report.fig.unapproved"), total.needed - total.approved, t("report.def.unapproved")),
            Figure(t("report.clause_rate"), _ratio(total.clean, total.links), t("report.def.clause_rate"), True),
            Figure(t("report.fig.must"), total.must, t("report.def.must")),
            Figure(t("report.fig.must_links"), total.must_links, t("report.def.must_links")),
            Figure(t("report.overdue_reviews"), total.overdue, t("report.def.overdue")),
            Figure(t("report.open_incidents"), total.incidents, t("report.def.incidents")),
            Figure(t("report.fig.owed_certificates"), owed, t("report.def.owed_certificates")),
        ]
        shown = businesses[:OVERVIEW_BUSINESSES]
        by_business = Block(
            t("report.by_business"),
            [t("engagement.business"), t("report.engagements"), t("engagement.tier_label", tier=1),
             t("engagement.tier_label", tier=2), t("report.tier3_plus"), t("report.approval_rate"),
             t("report.clause_rate"), t("report.fig.must"), t("report.overdue_reviews"), t("report.open_incidents")],
            [[name, f.links, f.tiers[0], f.tiers[1], f.tiers[2] + f.tiers[3], _ratio(f.approved, f.needed),
              _ratio(f.clean, f.links), f.must, f.overdue, f.incidents] for name, _, f in shown],
            {5: "0.0%", 6: "0.0%"},
            note=t("report.more_businesses", count=len(businesses) - len(shown)) if len(businesses) > len(shown) else "",
            empty=t("report.no_links"))
        return Overview(
            t("report.sheet.overview"), t("report.title"),
            [(t("report.organisation"), organisation), (t("reports.as_of"), self.as_of),
             (t("report.scope"), self._scope_text())],
            t("report.figures"), [t("report.figure"), t("report.value"), t("report.definition")], figures,
            by_business, self._findings(),
            [(t("report.chart_tiers"), [3, 4, 5]), (t("report.chart_gaps"), [8])], header, footer)

    def by_business(self) -> list[tuple[str, str, _Figures]]:
        """(business, department, figures) of every business with an open link in scope, by name."""
        if self._by_business is not None:
            return self._by_business
        db_path = self.ctx.db_path
        per_link_gaps = self.gaps.analysis.by_id
        stats: dict[int, _Figures] = defaultdict(_Figures)
        names, entrustees = {}, set()
        for link_id, business_id, business, department, tier, approval, entrustee in rq.open_links(db_path, self.scope):
            f = stats[business_id]
            names[business_id] = (business, department)
            entrustees.add(entrustee)
            f.links += 1
            f.tiers[min(tier, 4) - 1] += 1
            if tier >= 2:
                f.needed += 1
                f.approved += approval == "approved"
            gaps = per_link_gaps.get(link_id)
            f.clean += gaps is None
            must = gaps.must.bit_count() if gaps else 0
            f.must += must
            f.must_links += must > 0
        for business_id, count in rq.overdue_by_business(db_path, self.scope, self.as_of.isoformat()):
            stats[business_id].overdue = count
        for business_id, count in rq.open_incidents_by_business(db_path, self.scope):
            stats[business_id].incidents = count
        self.entrustees = len(entrustees)
        self._by_business = [(*names[i], stats[i]) for i in sorted(names, key=lambda i: names[i])]
        return self._by_business

    def sheets(self) -> list[SheetSpec]:
        t = self.t
        missing, partial = t("report.state.missing"), t("report.state.partial")
        ref = t("ledger.ref")
        day = DATE_FORMAT
        return [
            SheetSpec(t("report.sheet.summary"), "Summary", [
                t("engagement.business"), t("business.owner_department"), t("report.engagements"),
                *[t("engagement.tier_label", tier=n) for n in (1, 2, 3)], t("report.tier4_plus"),
                t("report.approvals_needed"), t("report.approved"), t("report.approval_rate"),
                t("report.links_without_gaps"), t("report.clause_rate"), t("report.fig.must"),
                t("report.overdue_reviews"), t("report.open_incidents")], self._summary(),
                [24, 14, 9, 8, 8, 8, 8, 11, 9, 9, 11, 10, 10, 10, 10], formats={9: "0.0%", 11: "0.0%"},
                empty_note=t("report.no_links")),
            SheetSpec(t("report.sheet.parties"), "Parties", [
                t("party.name"), t("party.kana"), t("party.corporate_number"), t("party.address"),
                t("party.country"), t("party.contact_person"), t("party.email"), t("party.phone"), t("party.parent")],
                self._parties(), [30, 16, 15, 28, 10, 14, 24, 14, 26], empty_note=t("report.no_rows")),
            SheetSpec(t("report.sheet.chain"), "Chain", [
                ref, t("engagement.business"), t("engagement.tier"), t("report.path"), t("engagement.entruster"),
                t("engagement.entrustee"), t("party.corporate_number"), t("engagement.work"),
                t("engagement.data_categories"), t("engagement.processing_countries"),
                t("engagement.storage_countries"), t("engagement.status"), t("report.approval"),
                t("approval.decided_on"), t("engagement.start_date"), t("engagement.end_date")],
                self._chain(), [8, 20, 6, 44, 24, 24, 15, 28, 22, 12, 12, 9, 11, 11, 11, 11],
                [Highlight(t("report.approval"), t("approval.missing"), "red"),
                 Highlight(t("report.approval"), t("approval.rejected"), "red"),
                 Highlight(t("report.approval"), t("approval.pending"), "orange")],
                formats={13: day, 14: day, 15: day}, key_columns=3, empty_note=t("report.no_rows")),
            SheetSpec(t("report.sheet.matrix"), "ClauseMatrix", [
                ref, t("engagement.business"), t("engagement.tier"), t("engagement.entrustee"), *self.titles],
                self._matrix(), [8, 20, 6, 24] + [9] * len(self.titles),
                [Highlight("*", missing, "red", skip=4), Highlight("*", partial, "orange", skip=4)],
                key_columns=4, empty_note=t("report.no_links")),
            SheetSpec(t("report.sheet.gaps"), "Gaps", [
                ref, t("engagement.business"), t("engagement.tier"), t("engagement.entrustee"),
                t("report.fig.must"), t("report.gaps_must"), t("report.gaps_should"), t("report.gaps_partial"),
                t("report.gaps_flow_down"), t("report.no_contract")],
                self._gaps(), [8, 20, 6, 24, 9, 40, 40, 24, 24, 9],
                [Highlight(t("report.no_contract"), t("common.yes"), "red")], key_columns=4,
                empty_note=t("report.no_gaps")),
            SheetSpec(t("report.sheet.schedule"), "Schedule", [
                t("report.due_on"), t("schedule.status"), t("schedule.kind"), t("engagement.entrustee"),
                t("engagement.work"), t("engagement.business"), t("engagement.tier"), t("engagement.owner")],
                self._schedule(), [11, 11, 22, 26, 28, 20, 6, 14],
                [Highlight(t("schedule.status"), t("schedule.status.overdue"), "red"),
                 Highlight(t("schedule.status"), t("schedule.status.due_soon"), "orange")],
                formats={0: day}, empty_note=t("report.no_rows")),
            SheetSpec(t("report.sheet.incidents"), "Incidents", [
                t("incident.title"), t("engagement.entrustee"), t("engagement.tier"), t("engagement.business"),
                t("incident.learned_on"), t("incident.we_learned"), t("report.reportable"), t("report.reasons"),
                t("report.preliminary_due"), t("incident.final"), t("incident.preliminary_filed_on"),
                t("incident.final_filed_on"), t("incident.closed_on")],
                self._incidents(), [26, 22, 6, 18, 11, 11, 9, 28, 11, 11, 11, 11, 11],
                formats={c: day for c in (4, 5, 8, 9, 10, 11, 12)}, empty_note=t("report.no_incidents")),
            SheetSpec(t("report.sheet.certificates"), "DeletionCertificates", [
                t("report.ended_link"), t("termination.ended_on"), t("engagement.entrustee"), t("engagement.tier"),
                t("report.certificate_status"), t("termination.method"), t("termination.items"),
                t("termination.responsible"), t("termination.done_on")],
                self._certificates(), [30, 11, 26, 6, 14, 12, 30, 16, 11],
                [Highlight(t("report.certificate_status"), t("termination.owed_badge"), "red")],
                formats={1: day, 8: day}, empty_note=t("report.no_terminations")),
            SheetSpec(t("report.sheet.shared"), "SharedSubProcessors", [
                t("party.name"), t("party.corporate_number"), t("report.businesses"), t("concentration.links"),
                t("engagement.tier"), t("category.my_number"), t("category.sensitive"), t("report.individuals_once"),
                t("concentration.countries"), t("concentration.approved"), t("concentration.covered")],
                self._shared(), [28, 15, 9, 8, 8, 10, 10, 14, 18, 11, 12],
                [Highlight(t("category.my_number"), t("common.yes"), "orange")], key_columns=2,
                empty_note=t("report.no_shared")),
            SheetSpec(t("report.sheet.requests"), "Requests", [
                t("request.number"), t("request.set"), t("request.state_label"), t("request.entrustee"),
                t("request.business"), t("request.tier"), t("request.due_on"), t("report.request_sent"),
                t("request.answered_at"), t("report.request_decided"), t("request.overdue")],
                self._requests(), [8, 26, 12, 26, 20, 6, 11, 11, 11, 11, 9],
                [Highlight(t("request.overdue"), t("common.yes"), "red"),
                 Highlight(t("request.state_label"), t("request.state.answered"), "orange")],
                formats={c: day for c in (6, 7, 8, 9)}, empty_note=t("report.no_requests")),
        ]

    def _scope_text(self) -> str:
        chosen = self.filters
        parts = []
        if chosen.business_id is not None:
            with self.ctx.read() as db:
                business = q.business(db, chosen.business_id)
            parts.append(f"{self.t('engagement.business')}: {business['name'] if business else ''}")
        if chosen.department:
            parts.append(f"{self.t('business.owner_department')}: {chosen.department}")
        if chosen.tier is not None:
            parts.append(self.t("engagement.tier_label", tier=chosen.tier))
        return " / ".join(parts) or self.t("report.whole_organisation")

    def _findings(self) -> Block:
        """The links with the most must-level gaps: where the legal duties are unmet."""
        t = self.t
        in_scope = rq.link_ids(self.ctx.db_path, self.scope) if self.scope.narrowed else None
        with_must = [g for g in self.gaps.analysis.links if g.must and (in_scope is None or g.engagement_id in in_scope)]
        worst = sorted(with_must, key=lambda g: -g.must.bit_count())[:OVERVIEW_FINDINGS]
        names = rq.link_names(self.ctx.db_path, [g.engagement_id for g in worst])
        rows = []
        for g in worst:
            ref, business, tier, entrustee = names[g.engagement_id]
            rows.append([f"{entrustee}（{business}）" if self.lang == "ja" else f"{entrustee} ({business})",
                         ref, tier, g.must.bit_count(), self._clause_list(g.must, limit=3)])
        more = len(with_must) - len(rows)
        return Block(t("report.findings"), [t("report.finding_link"), t("ledger.ref"), t("engagement.tier"),
                                              t("report.fig.must"), t("report.gaps_must")], rows,
                     note=t("report.more_findings", count=more) if more > 0 else "", empty=t("report.no_must_gaps"))

    def _clause_list(self, mask: int, limit: int | None = None) -> str:
        """The clauses of a mask by title; at most ``limit`` of them, "and N more" after."""
        titles = [self.titles[bit] for bit in bits(mask)]
        shown = i18n.join(titles[:limit], self.lang)
        if limit is not None and len(titles) > limit:
            shown += self.t("report.and_more", count=len(titles) - limit)
        return shown

    # --- sheets

    def _summary(self) -> Iterator[list]:
        for business, department, f in self.by_business():
            yield [business, department, f.links, *f.tiers, f.needed, f.approved, _ratio(f.approved, f.needed),
                   f.clean, _ratio(f.clean, f.links), f.must, f.overdue, f.incidents]

    def _parties(self) -> Iterator[list]:
        for row in rq.parties(self.ctx.db_path, self.scope):
            values = list(row[1:])  # the internal id is left out: the corporate number identifies
            values[4] = countries.name(values[4], self.lang)
            yield values

    def _chain(self) -> Iterator[list]:
        """Depth-first per business, so every link's ancestors come before it: the path is a stack."""
        organisation = setup.organisation_name(self.ctx, self.lang)
        above: dict[int, str] = {}
        current_business = None
        for (_, business, tier, entruster, entrustee, number, work, categories, processing, storage, status,
             approval, decided_on, start, end, business_id, ref) in rq.chain(self.ctx.db_path, self.scope):
            if business_id != current_business:
                above, current_business = {}, business_id
            above[tier] = entrustee
            path = " → ".join([organisation, *(above[n] for n in range(1, tier + 1) if n in above)])
            yield [ref, business, tier, path, entruster or organisation, entrustee, number, work,
                   self._categories(categories), self._countries(processing), self._countries(storage),
                   self.t(f"status.{status}"), self._approval(approval, tier), _day(decided_on), _day(start),
                   _day(end)]

    def _matrix(self) -> Iterator[list]:
        matrix = clause_matrix(self.ctx, self.as_of)
        labels = {s: self.t(f"report.state.{s.value}") for s in ClauseState}
        for link_id, ref, business, tier, entrustee in rq.open_link_names(self.ctx.db_path, self.scope):
            yield [ref, business, tier, entrustee, *(labels[s] for s in matrix.states(link_id))]

    def _gaps(self) -> Iterator[list]:
        """One row per link with a gap, its missing clauses listed; the links with must-level gaps
        first (the clause-by-clause detail is the matrix's)."""
        info = {row[0]: row[1:] for row in rq.open_link_names(self.ctx.db_path, self.scope)}
        links = [g for g in self.gaps.analysis.links if g.engagement_id in info]
        yes = self.t("common.yes")
        for g in [g for g in links if g.must] + [g for g in links if not g.must]:
            ref, business, tier, entrustee = info[g.engagement_id]
            yield [ref, business, tier, entrustee, g.must.bit_count(), self._clause_list(g.must),
                   self._clause_list(g.should), self._clause_list(g.partial), self._clause_list(g.flow_down),
                   yes if g.no_contract else ""]

    def _shared(self) -> Iterator[list]:
        """Each company two businesses or more depend on: how many, its tiers and data, the individuals
        (each business once), countries, approvals, and how many of its links the contracts cover."""
        analysis = self.gaps.analysis
        yes = self.t("common.yes")
        for (party, number, businesses, links, top, bottom, my_number, sensitive, individuals, needing, approved,
             link_ids, places) in rq.shared_parties(self.ctx.db_path, self.scope):
            found = (analysis.find(int(i)) for i in link_ids.split(","))
            covered = sum(1 for g in found if g is None or not (g.must or g.should))
            yield [party, number, businesses, links, f"{top}" if top == bottom else f"{top}–{bottom}",
                   yes if my_number else "", yes if sensitive else "", individuals,
                   ", ".join(countries.name(c, self.lang) for c in places),
                   f"{approved} / {needing}" if needing else "—", f"{covered} / {links}"]

    def _schedule(self) -> Iterator[list]:
        for due_on, notice, kind, party, work, business, tier, owner in rq.schedule(self.ctx.db_path, self.scope):
            status = status_of(date.fromisoformat(due_on), notice, self.as_of)
            yield [_day(due_on), self.t(f"schedule.status.{status}"), self.t(f"schedule.kind.{kind}"), party, work,
                   business, tier, owner or self.t("schedule.unassigned")]

    def _incidents(self) -> Iterator[list]:
        in_scope = rq.link_ids(self.ctx.db_path, self.scope)
        views, _ = incident_service.incidents_list(self.ctx, include_closed=True, limit=None, engagement_ids=in_scope)
        for view in sorted(views, key=lambda v: v.row["id"]):
            row, due = view.row, view.deadlines
            yield [row["title"], view.link.entrustee_name, view.link.tier, view.link.business_name,
                   _day(row["learned_on"]), due.knowledge,
                   self.t("common.yes") if view.classification.reportable else self.t("common.no"),
                   i18n.join((self.t(f"incident.reason.{r}") for r in view.classification.reasons), self.lang,
                             phrases=True),
                   due.preliminary.closes if due.preliminary else None, due.final,
                   _day(row["preliminary_filed_on"]), _day(row["final_filed_on"]), _day(row["closed_on"])]

    def _certificates(self) -> Iterator[list]:
        for root, ended_on, party, tier, received, method, items, responsible, done_on in rq.certificates(
                self.ctx.db_path, self.scope):
            status = self.t("termination.received", day=received) if received else self.t("termination.owed_badge")
            yield [root, _day(ended_on), party, tier, status,
                   self.t(f"termination.method.{method}") if method else "", items, responsible, _day(done_on)]

    def _requests(self) -> Iterator[list]:
        sets = question_sets()
        for request_id, set_id, state, party, business, tier, due_on, sent, answered, decided in rq.requests(
                self.ctx.db_path, self.scope):
            overdue = is_overdue(state, date.fromisoformat(due_on), self.as_of)
            yield [f"R{request_id}", sets[set_id].title(self.lang), self.t(f"request.state.{state}"), party, business,
                   tier, _day(due_on), _day(sent), _day(answered), _day(decided),
                   self.t("common.yes") if overdue else self.t("common.no")]

    # --- values

    def _categories(self, codes: tuple[str, ...]) -> str:
        return self._once(("categories", codes), lambda: i18n.join(
            (self.t(f"category.{c}") for c in codes), self.lang))

    def _countries(self, codes: tuple[str, ...]) -> str:
        return self._once(("countries", codes), lambda: ", ".join(countries.name(c, self.lang) for c in codes))

    def _approval(self, status: str | None, tier: int) -> str:
        if tier < 2:
            return self.t("approval.not_needed")
        return self.t("approval.missing") if status is None else self.t(f"approval.{status}")


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _day(text: str | None) -> date | None:
    """A stored ISO date as a date, so the spreadsheet has a date cell (sortable, filterable)."""
    return date.fromisoformat(text) if text else None

