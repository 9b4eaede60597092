"""Addenda generated, read back with python-docx, and followed to signature (which closes gaps)."""

import io
import re
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests import factories as f
from tests import files
from tests.conftest import context_for
from tracker.domain.clauses import PLACEHOLDERS
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.outputs.addendum_template import EAST_ASIAN_FONT, STYLES
from tracker.services import addenda, contracts, gaps
from tracker.services.addenda import AddendumRequest
from tracker.services.catalogue import catalogue
from tracker.services.context import PermissionDenied
from tracker.store import connection

TRICKY = "A&B <テスト> \"株式会社\" 'X'"
ARTICLE = re.compile(r"^(?:第(\d+)条（|Article (\d+) \()")


def read(content: bytes) -> Document:
    return Document(io.BytesIO(content))


def paragraphs(document) -> list:
    """Every paragraph in reading order: the body's, then a two-column table's row by row
    (Japanese, then English)."""
    found = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += cell.paragraphs
    return found


def headings(document) -> list[str]:
    return [p.text for p in paragraphs(document) if p.style.name == "Article Heading"]


def text_of(content: bytes) -> str:
    return "\n".join(p.text for p in paragraphs(read(content)))


def count(db_path, table):
    with connection.reading(db_path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture(autouse=True)
def organisation(db_path):
    """Our own names (an English or bilingual 覚書 needs the English one)."""
    from tracker.services import setup

    setup.set_organisation(context_for(db_path, Role.ADMIN), "株式会社委託元", "Itakumoto Co., Ltd.")


@pytest.fixture
def tricky_link(ctx):
    party = f.party(ctx, TRICKY, address="東京都千代田区1-1 <本社>", name_en="A&B <Test> \"K.K.\" 'X'")
    return f.link(ctx, party, business_id=f.business(ctx), work="発送 & 封入 <至急>", storage_countries=["JP", "SG"])


def test_the_articles_are_exactly_the_selected_clauses_in_order_numbered(ctx, tricky_link):
    chosen = ["removal_ban", "confidentiality", "breach_notification"]
    _, built = addenda.generate(ctx, AddendumRequest([tricky_link], "ja", chosen))
    expected = sorted(chosen, key=lambda i: next(c.order for c in catalogue() if c.id == i))
    titles = {c.id: c.title_ja for c in catalogue()}
    found = headings(read(built.content))
    assert found[:3] == [f"第{n}条（{titles[c]}）" for n, c in enumerate(expected, start=1)]
    assert found[3:] == ["第4条（有効期間）"]  # no base contract: no "relation" article; Japanese only: no language one
    assert built.clause_ids == expected


def test_no_placeholder_is_left_and_user_text_survives_literally(ctx, tricky_link):
    _, built = addenda.generate(ctx, AddendumRequest([tricky_link], "en", ["confidentiality", "foreign_transfer"]))
    text = text_of(built.content)
    assert not any(f"{{{name}}}" in text for name in PLACEHOLDERS)
    assert "A&B <Test> \"K.K.\" 'X'" in text and "発送 & 封入 <至急>" in text and "<本社>" in text
    assert "Singapore" in text  # storage countries filled in


def test_every_style_sets_the_east_asian_font_and_the_page_is_a4_with_page_numbers(ctx, tricky_link):
    _, built = addenda.generate(ctx, AddendumRequest([tricky_link], "ja", ["confidentiality"]))
    document = read(built.content)
    for name in ("Normal", *STYLES):
        assert document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT, name
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 'w:instr="PAGE"' in section.footer._element.xml


def test_the_bilingual_version_pairs_each_article_and_says_japanese_prevails(ctx, tricky_link):
    chosen = ["confidentiality", "staff_training"]
    _, built = addenda.generate(ctx, AddendumRequest([tricky_link], "both", chosen))
    found = headings(read(built.content))
    numbers = [int(m.group(1) or m.group(2)) for m in map(ARTICLE.match, found)]
    assert numbers == [1, 1, 2, 2, 3, 3, 4, 4]
    assert [h.startswith("第") for h in found] == [True, False] * 4
    assert found[-2:] == ["第4条（言語）", "Article 4 (Language)"]
    text = text_of(built.content)
    assert "日本語版が優先する" in text and "the Japanese version prevails" in text
    (table,) = read(built.content).tables
    assert len(table.columns) == 2
    for row in table.rows:  # Japanese on the left, English on the right, of equal weight
        left, right = (cell.paragraphs[0] for cell in row.cells)
        assert left.style.name == right.style.name
    assert not any(p.style.font.italic for p in paragraphs(read(built.content)))


JA_TERMS = ("甲", "乙", "本業務", "原契約", "本覚書", "本契約")
EN_TERMS = ("Entruster", "Entrustee", "Work", "Original Agreement", "Addendum", "Agreement")


def terms_ja(text: str) -> tuple[set[str], set[str]]:
    """(terms the text defines 「…」という, terms it uses outside their definitions)."""
    defined = set(re.findall(r"「([^「」]+)」(?:という|といい)", text))
    rest = re.sub(r"「[^「」]+」", "", text)  # definitions and titles in brackets taken out
    return defined, {term for term in JA_TERMS if term in rest}


def terms_en(text: str) -> tuple[set[str], set[str]]:
    defined = set(re.findall(r'(?:the|this) "([A-Z][A-Za-z ]+)"', text))
    rest = re.sub(r'"[^"]+"', "", text).replace("Original Agreement", "\0")
    used = {term for term in EN_TERMS if term in rest} | ({"Original Agreement"} if "\0" in rest else set())
    return defined, used


@pytest.mark.parametrize("with_base", [True, False])
@pytest.mark.parametrize("chosen", [["confidentiality", "redelegation_approval", "termination_damages"],
                                    ["staff_training"], None])
def test_every_defined_term_is_used_and_every_term_used_is_defined(ctx, with_base, chosen):
    link = f.link(ctx, f.party(ctx, "株式会社用語", name_en="Yogo K.K."), business_id=f.business(ctx))
    base = contracts.create_contract(ctx, link, contracts.ContractInput("業務委託基本契約", "master", date(2025, 4, 1))) \
        if with_base else None
    _, built = addenda.generate(ctx, AddendumRequest([link], "both", chosen, base))
    document = read(built.content)
    table = document.tables[0]
    ja = "\n".join(row.cells[0].text for row in table.rows)
    en = "\n".join(row.cells[1].text for row in table.rows)
    for text, walk in ((ja, terms_ja), (en, terms_en)):
        defined, used = walk(text)
        assert used <= defined, f"used, never defined: {used - defined}"
        assert defined <= used, f"defined, never used: {defined - used}"
    assert ("本契約" in terms_ja(ja)[0]) is (with_base and "本契約" in ja.split("締結する。", 1)[1])
    if not with_base:
        assert "本契約" not in ja and "Agreement" not in en
        assert "「本覚書」又は「本契約」" not in ja


def test_my_number_sentences_only_where_my_number_data_flows(ctx):
    business = f.business(ctx)
    plain = f.link(ctx, f.party(ctx, "一般データ社", name_en="General Data Co."), business_id=business)
    numbered = f.link(ctx, f.party(ctx, "番号データ社", name_en="Number Data Co."), business_id=business,
                      categories=("my_number",))
    for link_id, expected in ((plain, False), (numbered, True)):
        _, built = addenda.generate(ctx, AddendumRequest([link_id], "both", ["redelegation_approval"]))
        text = text_of(built.content)
        assert ("特定個人情報" in text) is expected and ("My Number" in text) is expected
        assert "{if" not in text and "{end}" not in text


def test_signing_date_blank_representatives_named_and_signatures_kept_with_the_last_article(db_path):
    from tracker.services import setup
    admin = context_for(db_path, Role.ADMIN)
    setup.set_organisation(admin, "株式会社みなと商事", "Minato Shoji Co., Ltd.", representative_title="代表取締役社長",
                           representative_name="港 一郎")
    ctx = context_for(db_path)
    party = f.party(ctx, "署名先株式会社", name_en="Signatory Co., Ltd.", representative_title="代表取締役",
                    representative_name="署名 太郎")
    link_id = f.link(ctx, party, business_id=f.business(ctx))
    _, built = addenda.generate(ctx, AddendumRequest([link_id], "ja", ["confidentiality"],
                                                     effective_on=date(2026, 12, 1)))
    document = read(built.content)
    blocks = [p for p in document.paragraphs if p.style.name == "Signature Block"]
    assert blocks[1].text.strip() == "年　　月　　日"  # the parties date it when they sign
    assert "2026年12月1日" not in "".join(p.text for p in blocks)
    assert "代表取締役社長 港 一郎" in blocks[2].text and "代表取締役 署名 太郎" in blocks[3].text
    last_heading = max(i for i, p in enumerate(document.paragraphs) if p.style.name == "Article Heading")
    assert all(p.paragraph_format.keep_with_next for p in document.paragraphs[last_heading:-1])
    assert built.file_name == "覚書_署名先株式会社_2026-12-01.docx"

    _, both = addenda.generate(ctx, AddendumRequest([link_id], "both", ["confidentiality"]))
    (table,) = read(both.content).tables
    last_row = table.rows[-1]
    assert last_row._tr.trPr.find(qn("w:cantSplit")) is not None  # one row: never split across pages
    left, right = (cell.text for cell in last_row.cells)
    assert "第3条（言語）" in left and "代表取締役 署名 太郎" in left
    assert "Article 3 (Language)" in right and "Signatory Co., Ltd." in right and "Minato Shoji" in right



def test_an_unfillable_placeholder_stops_generation_naming_it(ctx, db_path):
    link_id = f.link(ctx, f.party(ctx, "保管先未登録"), business_id=f.business(ctx), storage_countries=[])
    with pytest.raises(RuleViolation) as raised:
        addenda.generate(ctx, AddendumRequest([link_id], "ja", ["confidentiality", "work_site_notice"]))
    (problem,) = raised.value.problems
    assert problem.code == "error.addendum.placeholder_missing" and problem.params["name"] == "places"
    assert count(db_path, "addenda") == 0


def test_signing_records_the_clauses_as_covered_so_the_gaps_close(ctx):
    party = f.party(ctx, "委託先")
    business = f.business(ctx)
    first = f.link(ctx, party, business_id=business, work="入力")
    second = f.link(ctx, party, business_id=business, work="印刷")
    base = contracts.create_contract(ctx, first, contracts.ContractInput("基本契約", "master", date(2025, 4, 1)))
    assert addenda.default_base_contract(ctx, first) == base
    before = {g.clause_id for g in gaps.engagement_gaps(ctx, first)}
    addendum_id, built = addenda.generate(ctx, AddendumRequest([first, second], "ja", base_contract_id=base))
    assert set(built.clause_ids) == before | {g.clause_id for g in gaps.engagement_gaps(ctx, second)}
    assert "「基本契約」" in "\n".join(p.text for p in read(built.content).paragraphs)
    with pytest.raises(RuleViolation):  # generated → signed skips "sent"
        addenda.mark_signed(ctx, addendum_id, 1, ctx.today)
    with pytest.raises(RuleViolation):
        addenda.mark_sent(ctx, addendum_id, 1, date(2026, 11, 23))  # after today
    addenda.mark_sent(ctx, addendum_id, 1, ctx.today)
    contract_ids = addenda.mark_signed(ctx, addendum_id, 2, ctx.today, ("signed.pdf", files.pdf("signed copy")))
    assert len(contract_ids) == 2
    assert gaps.engagement_gaps(ctx, first) == [] and gaps.engagement_gaps(ctx, second) == []
    (kept,) = [a for a in addenda.addenda_of(ctx, second) if a["id"] == addendum_id]
    assert (kept["status"], kept["signed_on"], kept["signed_attachment_id"] is not None) == ("signed", "2026-11-22", True)
    name, content = addenda.file_of(ctx, addendum_id)
    assert name.endswith(".docx") and content == built.content


def test_one_addendum_covers_only_links_with_the_same_parties(ctx):
    a = f.link(ctx, f.party(ctx, "A"), business_id=f.business(ctx, "業務A"))
    b = f.link(ctx, f.party(ctx, "B"), business_id=f.business(ctx, "業務B"))
    with pytest.raises(RuleViolation) as raised:
        addenda.build(ctx, AddendumRequest([a, b], "ja", ["confidentiality"]))
    assert raised.value.problems[0].code == "error.addendum.mixed_parties"


def test_only_registry_editors_make_addenda(db_path):
    officer = context_for(db_path)
    link_id = f.link(officer, f.party(officer, "A"), business_id=f.business(officer))
    with pytest.raises(PermissionDenied):
        addenda.generate(context_for(db_path, Role.MANAGER), AddendumRequest([link_id], "ja", ["confidentiality"]))
    assert addenda.generate(context_for(db_path, Role.PROCUREMENT), AddendumRequest([link_id], "ja"))[0] == 1
