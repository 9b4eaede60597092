"""Addenda (覚書) that add an engagement's missing clauses: build the document, keep it with the
engagement, and follow it from generated to sent to signed. Signing records an addendum contract
covering its clauses on every engagement it amends, so their gaps close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import i18n
from ..domain import countries
from ..domain.addenda import (
    NEXT_STATUS, AddendumStatus, Language, PlaceholderMissing, agreement_term, articles, breach_report_deadline,
    conditions_met, data_phrase, english_names_missing, inspection_interval, language_of, ordered, places_phrase,
    request_problems,
)
from ..domain.attachment_rules import document_name
from ..domain.clauses import Condition, LinkTraits
from ..domain.gaps import Coverage, in_force
from ..domain.models import HOME_COUNTRY, parse_categories
from ..domain.permissions import Action
from ..domain.problems import Problem, RuleViolation, raise_if_any
from ..outputs.addendum_docx import AddendumDocument, PartyDetails, render
from ..store import contract_queries as cq
from ..store import due_items, records
from ..store import addenda_queries as adq
from ..store import registry_queries as q
from . import attachments, setup
from .catalogue import catalogue
from .context import Context
from .contracts import ContractKind, CoverageEntry, terms, write_coverage
from .gaps import engagement_gaps

@dataclass
class AddendumRequest:
    engagement_ids: list[int]
    language: str = Language.JA.value
    clause_ids: list[str] | None = None  # None: the engagements' open gaps
    base_contract_id: int | None = None
    effective_on: date | None = None  # None: today
    breach_report_days: int = 3
    work_en: str = ""  # 本業務 in English; "" shows the Japanese, marked as such


@dataclass(frozen=True)
class Built:
    document: AddendumDocument
    content: bytes
    file_name: str
    clause_ids: list[str]
    entruster_id: int | None
    entrustee_id: int


def default_clauses(ctx: Context, engagement_ids: list[int]) -> list[str]:
    """Every clause any of the engagements lacks (missing or partial), in catalogue order."""
    wanted = {gap.clause_id for engagement_id in engagement_ids for gap in engagement_gaps(ctx, engagement_id)}
    return [clause.id for clause in ordered(catalogue(), wanted)]


def default_base_contract(ctx: Context, engagement_id: int) -> int | None:
    """The contract an addendum amends by default: the engagement's main contract in force (a
    master contract, DPA or vendor terms, the latest signed), else none."""
    with ctx.read() as db:
        rows = cq.contracts_of(db, engagement_id)
    main = [r for r in rows if r["kind"] != ContractKind.ADDENDUM and in_force(terms(r), ctx.today)]
    return max(main, key=lambda r: (r["signed_on"], r["id"]))["id"] if main else None


def build(ctx: Context, request: AddendumRequest) -> Built:
    """The document, or RuleViolation naming what is wrong (an unfillable placeholder included)."""
    if not request.engagement_ids:
        raise_if_any([Problem("engagement_ids", "error.required")])
    language = language_of(request.language)
    with ctx.read() as db:
        links = [q.engagement(db, i) for i in request.engagement_ids]
        base = cq.find_contract(db, request.base_contract_id) if request.base_contract_id else None
        entrustee = q.party(db, links[0]["entrustee_party_id"])
        entruster = q.party(db, links[0]["entruster_party_id"]) if links[0]["entruster_party_id"] else None
    chosen = request.clause_ids if request.clause_ids is not None else default_clauses(ctx, request.engagement_ids)
    ours_en = setup.organisation_name(ctx, "en") if setup.organisation(ctx)["name_en"] else ""
    raise_if_any(request_problems(
        links, request.breach_report_days, request.base_contract_id, base, chosen, {c.id for c in catalogue()})
        + (english_names_missing(entruster, entrustee, ours_en) if "en" in language.parts else []))

    langs = language.parts
    # one 本業務 in both languages, from the same links: the English given for it, else the Japanese
    # shown and marked as such (never another record's text, such as the business's English name)
    work_ja = i18n.join(dict.fromkeys(link["work"] for link in links), "ja")
    works = {lang: work_ja if lang == "ja" else
             (request.work_en.strip() or i18n.t("addendum.work_in_japanese", "en", work=work_ja)) for lang in langs}
    clauses = ordered(catalogue(), chosen)
    values = {lang: _placeholder_values(links, works[lang], entruster, entrustee, ctx, lang,
                                        request.breach_report_days, base is not None) for lang in langs}
    try:
        numbered = articles(clauses, values, langs, link_conditions(entrustee, links))
    except PlaceholderMissing as missing:
        clause = next(c for c in clauses if c.id == missing.clause_id)
        raise RuleViolation([Problem("clause_ids", "error.addendum.placeholder_missing", {
            "placeholder": {lang: i18n.t(f"addendum.placeholder.{missing.placeholder}", lang) for lang in ("ja", "en")},
            "name": missing.placeholder, "clause": {"ja": clause.title_ja, "en": clause.title_en}})]) from None
    our_address, our_number = setup.organisation_address(ctx)
    document = AddendumDocument(
        language=language,
        entruster=_details(entruster, langs) if entruster else
        PartyDetails({lang: setup.organisation_name(ctx, lang) for lang in langs}, our_address, our_number,
                     setup.organisation_representative(ctx)),
        entrustee=_details(entrustee, langs),
        work=works,
        base_contract=(base["title"], date.fromisoformat(base["signed_on"]) if base["signed_on"] else None)
        if base else None,
        effective_on=request.effective_on or ctx.today,
        articles=numbered,
    )
    name = document_name([i18n.t("addendum.file", "ja" if language != Language.EN else "en"), entrustee["name"],
                          document.effective_on.isoformat()], ".docx")
    return Built(document, render(document), name, [c.id for c in clauses], links[0]["entruster_party_id"],
                 links[0]["entrustee_party_id"])


def _details(party, langs: tuple[str, ...]) -> PartyDetails:
    return PartyDetails({lang: (lang == "en" and party["name_en"]) or party["name"] for lang in langs},
                        party["address"] or "", party["corporate_number"] or "",
                        (party["representative_title"] or "", party["representative_name"] or ""))


def link_conditions(entrustee, links: list[dict]) -> frozenset[Condition]:
    """What the links carry that an article's text depends on (their data, where it goes)."""
    return conditions_met(LinkTraits(parse_categories(link["data_categories"]),
                                     frozenset({*link["processing_countries"], *link["storage_countries"],
                                                entrustee["country"] or HOME_COUNTRY}), link["tier"], False)
                          for link in links)


def _placeholder_values(links: list[dict], work: str, entruster, entrustee, ctx: Context, lang: str,
                        breach_days: int, has_base: bool) -> dict[str, str]:
    def places(column: str) -> list[str]:
        codes = sorted({c for link in links for c in link[column]}, key=lambda c: (c != HOME_COUNTRY, c))
        return [countries.name(code, lang) for code in codes]

    us = setup.organisation_name(ctx, lang)
    return {
        "entruster": entruster["name"] if entruster else us,
        "entrustee": entrustee["name"],
        "work": work,
        "data_categories": data_phrase({c for link in links for c in link["data_categories"]}, lang),
        "places": places_phrase(places("processing_countries"), places("storage_countries"), lang),
        "agreement": agreement_term(has_base, lang),
        "agreement_start": agreement_term(has_base, lang, start=True),
        # 番号法第10条: the first entruster's permission; 甲 is that entruster only on a tier-1 link
        "original_entruster": ("甲" if lang == "ja" else "the Entruster") if entruster is None else us,
        "inspection_interval": inspection_interval(min(link["inspection_interval_months"] for link in links), lang),
        "breach_report_deadline": breach_report_deadline(breach_days, lang),
    }


def generate(ctx: Context, request: AddendumRequest) -> tuple[int, Built]:
    """Build the addendum and keep it (file and record, one transaction) as "generated"."""
    ctx.require(Action.EDIT_REGISTRY)
    built = build(ctx, request)
    kept = attachments.keep_file(ctx, built.file_name, built.content)
    with ctx.write(Action.EDIT_REGISTRY) as db:
        addendum_id = records.insert(db, "addenda", {
            "entruster_party_id": built.entruster_id, "entrustee_party_id": built.entrustee_id,
            "base_contract_id": request.base_contract_id, "language": built.document.language.value,
            "clause_ids": built.clause_ids, "effective_on": built.document.effective_on.isoformat(),
            "breach_report_days": request.breach_report_days, "status": AddendumStatus.GENERATED.value,
            "generated_on": ctx.today.isoformat(), "attachment_id": attachments.record(db, ctx, kept),
        }, ctx.actor.username)
        for engagement_id in dict.fromkeys(request.engagement_ids):
            records.insert(db, "addendum_links", {"addendum_id": addendum_id, "engagement_id": engagement_id},
                           ctx.actor.username)
        return addendum_id, built


def mark_sent(ctx: Context, addendum_id: int, expected_version: int, sent_on: date) -> None:
    """Record that an addendum went to the vendor on ``sent_on``. Raises NotFound, RuleViolation
    (a step out of order, a day in the future), StaleRecord, PermissionDenied."""
    with ctx.write(Action.EDIT_REGISTRY) as db:
        addendum = _current(db, addendum_id)
        _check_step(addendum, AddendumStatus.SENT, sent_on, ctx.today, addendum["generated_on"])
        records.update(db, "addenda", addendum_id, expected_version,
                       {"status": AddendumStatus.SENT.value, "sent_on": sent_on.isoformat()}, ctx.actor.username)


def mark_signed(ctx: Context, addendum_id: int, expected_version: int, signed_on: date,
                signed_copy: tuple[str, bytes] | None = None) -> list[int]:
    """Signed: each engagement it amends gets an addendum contract (signed on that day, running with
    the contract it amends) covering the addendum's clauses. Returns those contract ids."""
    ctx.require(Action.EDIT_REGISTRY)
    kept = attachments.keep_file(ctx, *signed_copy) if signed_copy else None
    with ctx.write(Action.EDIT_REGISTRY) as db:
        addendum = _current(db, addendum_id)
        _check_step(addendum, AddendumStatus.SIGNED, signed_on, ctx.today, addendum["sent_on"])
        signed_attachment = attachments.record(db, ctx, kept) if kept else None
        records.update(db, "addenda", addendum_id, expected_version, {
            "status": AddendumStatus.SIGNED.value, "signed_on": signed_on.isoformat(),
            "signed_attachment_id": signed_attachment}, ctx.actor.username)
        entries = {clause_id: CoverageEntry(Coverage.COVERED.value, note=f"addendum #{addendum_id}")
                   for clause_id in addendum["clause_ids"]}
        title = i18n.t("addendum.title", "ja" if addendum["language"] != "en" else "en")
        contract_ids, engagement_ids = [], []
        for link in adq.links_of(db, addendum_id):
            contract_id = records.insert(db, "contracts", {
                "engagement_id": link["engagement_id"], "title": f"{title}（{signed_on.isoformat()}）",
                "kind": ContractKind.ADDENDUM.value, "signed_on": signed_on.isoformat(), "auto_renewal": 0,
                "attachment_id": signed_attachment or addendum["attachment_id"],
                "note": f"addendum #{addendum_id}"}, ctx.actor.username)
            write_coverage(db, ctx, contract_id, entries)
            records.update_unversioned(db, "addendum_links", link["id"], {"contract_id": contract_id},
                                       ctx.actor.username)
            contract_ids.append(contract_id)
            engagement_ids.append(link["engagement_id"])
        due_items.refresh_links(db, engagement_ids)
        return contract_ids


def _current(db, addendum_id: int) -> dict:
    return records.get(db, "addenda", addendum_id, "addendum")


def _check_step(addendum: dict, target: AddendumStatus, on: date, today: date, previous: str | None) -> None:
    """One step forward at a time (generated → sent → signed), dated no later than today and not
    before the previous step."""
    if NEXT_STATUS.get(AddendumStatus(addendum["status"])) != target:
        raise_if_any([Problem("status", "error.addendum.wrong_step")])
    if on > today:
        raise_if_any([Problem("on", "error.date_in_future")])
    if previous and on.isoformat() < previous:
        raise_if_any([Problem("on", "error.addendum.before_previous_step", {"day": previous})])


def addenda_of(ctx: Context, engagement_id: int) -> list[dict]:
    """The addenda amending an engagement, newest first."""
    with ctx.read() as db:
        return adq.addenda_of(db, engagement_id)


def same_parties(ctx: Context, engagement_id: int) -> list[dict]:
    """Other open engagements with the same entruster and entrustee: one addendum may cover them."""
    with ctx.read() as db:
        link = q.engagement(db, engagement_id)
        return adq.same_parties(db, engagement_id, link["entrustee_party_id"], link["entruster_party_id"])


def file_of(ctx: Context, addendum_id: int) -> tuple[str, bytes]:
    """(file name, content) of an addendum's generated document. Raises NotFound, AttachmentDamaged."""
    with ctx.read() as db:
        addendum = _current(db, addendum_id)
    attachment, content = attachments.read(ctx, addendum["attachment_id"])
    return attachment.original_name, content
