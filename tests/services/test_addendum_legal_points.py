"""The 覚書 read as a Japanese legal team reads it (issue 27, points 1–5): who the original entruster
is, one 本業務 in both languages, data and countries named as a lawyer writes them, English names
asked for, the base contract chosen by default, and the document seen through LibreOffice."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from tests import factories as f
from tests.conftest import context_for
from tests.outputs.libreoffice import needs_libreoffice, pages, squeezed, to_pdf
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.i18n import t
from tracker.services import addenda, contracts, setup
from tracker.services.addenda import AddendumRequest

US, US_EN = "株式会社委託元", "Itakumoto Co., Ltd."


@pytest.fixture(autouse=True)
def organisation(db_path):
    setup.set_organisation(context_for(db_path, Role.ADMIN), US, US_EN)


def _text(built, column: int | None = None) -> str:
    document = Document(io.BytesIO(built.content))
    if column is None:
        return "\n".join(p.text for p in document.paragraphs)
    return "\n".join(row.cells[column].text for row in document.tables[0].rows)


@pytest.fixture
def my_number_chain(ctx):
    """A My Number chain: us → 一次 (tier 1) → 二次 (tier 2)."""
    business = f.business(ctx, "給与計算")
    first = f.link(ctx, f.party(ctx, "株式会社一次", name_en="Ichiji K.K."), business_id=business,
                   categories=("my_number",))
    second = f.link(ctx, f.party(ctx, "株式会社二次", name_en="Niji K.K."), parent=first, categories=("my_number",))
    return first, second


# --- 1. the original entruster by name

def test_on_a_tier_two_link_article_10_names_us_not_the_tier_one_vendor(ctx, my_number_chain):
    _, second = my_number_chain
    _, built = addenda.generate(ctx, AddendumRequest([second], "both", ["redelegation_approval"]))
    ja, en = _text(built, 0), _text(built, 1)
    assert f"最初の委託者である{US}の許諾" in ja and "番号法第10条第1項" in ja
    assert "最初の委託者である甲" not in ja
    assert f"permission of {US_EN}, the original entruster (My Number Act Art. 10(1))" in en
    assert "株式会社一次（以下「甲」という。）" in ja  # 甲 is the tier-1 vendor here


def test_on_a_tier_one_link_the_original_entruster_is_ko(ctx, my_number_chain):
    first, _ = my_number_chain
    _, built = addenda.generate(ctx, AddendumRequest([first], "ja", ["redelegation_approval"]))
    text = _text(built)
    assert "最初の委託者である甲の許諾" in text and f"{US}（以下「甲」という。）" in text


# --- 2. one 本業務 in both languages

def test_both_columns_describe_the_same_work(ctx):
    business = f.business(ctx, "コールセンター")
    link = f.link(ctx, f.party(ctx, "株式会社受託", name_en="Jutaku K.K."), business_id=business, work="問合せ対応")
    _, marked = addenda.generate(ctx, AddendumRequest([link], "both", ["confidentiality"]))
    assert "「問合せ対応」" not in _text(marked, 0)  # the Japanese names the work itself
    assert "問合せ対応の業務（以下「本業務」という。）" in _text(marked, 0)
    assert '"問合せ対応 (as described in Japanese)"' in _text(marked, 1)  # never the business's English name
    _, given = addenda.generate(ctx, AddendumRequest([link], "both", ["confidentiality"], work_en="customer enquiries"))
    assert '"customer enquiries"' in _text(given, 1)


# --- 4. the base contract by default

def test_the_signed_contract_in_force_is_the_default_base(ctx):
    link = f.link(ctx, f.party(ctx, "株式会社基本", name_en="Kihon K.K."), business_id=f.business(ctx))
    base = contracts.create_contract(ctx, link, contracts.ContractInput("業務委託基本契約", "master", date(2025, 4, 1)))
    assert addenda.default_base_contract(ctx, link) == base


# --- 5. wording a lawyer would not send back

def test_the_data_is_named_once_and_the_countries_as_a_sentence(ctx):
    business = f.business(ctx)
    home = f.link(ctx, f.party(ctx, "株式会社国内", name_en="Kokunai K.K."), business_id=business,
                  categories=("my_number", "ordinary"))
    abroad = f.link(ctx, f.party(ctx, "株式会社海外", name_en="Kaigai K.K."), business_id=business,
                    processing_countries=["JP", "SG"], storage_countries=["JP", "SG"])
    _, built = addenda.generate(ctx, AddendumRequest([home], "both", ["confidentiality", "work_site_notice"]))
    ja, en = _text(built, 0), _text(built, 1)
    assert "預託された個人情報（特定個人情報を含む。）を秘密として保持" in ja
    assert "個人情報（特定個人情報（マイナンバー）、個人情報）" not in ja
    assert "作業場所・保管場所（日本国内）" in ja and "（日本／日本）" not in ja
    assert "the personal data (including My Number data) entrusted" in en and "sites (Japan)" in en
    _, built = addenda.generate(ctx, AddendumRequest([abroad], "ja", ["foreign_transfer", "work_site_notice"]))
    assert "（本業務では日本及びシンガポール）" in _text(built) and "（日本及びシンガポール）" in _text(built)


def test_an_english_version_asks_first_for_a_missing_english_name(ctx, db_path):
    link = f.link(ctx, f.party(ctx, "株式会社英名なし"), business_id=f.business(ctx))
    with pytest.raises(RuleViolation) as refused:
        addenda.generate(ctx, AddendumRequest([link], "en", ["confidentiality"]))
    assert [(p.code, p.params.get("name")) for p in refused.value.problems] == [
        ("error.addendum.english_name_missing", "株式会社英名なし")]
    setup.set_organisation(context_for(db_path, Role.ADMIN), US)  # our English name removed
    with pytest.raises(RuleViolation) as ours:
        addenda.generate(ctx, AddendumRequest([link], "both", ["confidentiality"]))
    assert "error.addendum.our_english_name_missing" in [p.code for p in ours.value.problems]
    assert addenda.generate(ctx, AddendumRequest([link], "ja", ["confidentiality"]))  # Japanese needs none


def test_the_english_column_uses_our_english_names(ctx):
    link = f.link(ctx, f.party(ctx, "株式会社受託", name_en="Jutaku K.K."), business_id=f.business(ctx))
    _, built = addenda.generate(ctx, AddendumRequest([link], "both", ["confidentiality"]))
    assert f'{US_EN} (the "Entruster") and Jutaku K.K. (the "Entrustee")' in _text(built, 1)


def test_the_download_is_named_as_it_is_stored(ctx):
    link = f.link(ctx, f.party(ctx, "株式会社受託", name_en="Jutaku K.K."), business_id=f.business(ctx))
    addendum_id, built = addenda.generate(ctx, AddendumRequest([link], "ja", ["confidentiality"]))
    name, _ = addenda.file_of(ctx, addendum_id)
    assert name == built.file_name and name.startswith("覚書_株式会社受託_") and name.endswith(".docx")


@needs_libreoffice
@pytest.mark.parametrize("language", ["ja", "en", "both"])
def test_printed_the_title_is_one_line_and_the_first_page_carries_an_article(ctx, tmp_path, language):
    link = f.link(ctx, f.party(ctx, "株式会社印刷確認", name_en="Insatsu Kakunin K.K."), business_id=f.business(ctx),
                  categories=("my_number",))
    _, built = addenda.generate(ctx, AddendumRequest([link], language, None))
    path = tmp_path / f"addendum-{language}.docx"
    path.write_bytes(built.content)
    printed = pages(to_pdf(path))
    first = printed[0]
    titles = {"ja": "個人情報の取扱いに関する覚書", "en": "Addendum on the Handling of Personal Data"}
    for lang in (("ja", "en") if language == "both" else (language,)):
        assert titles[lang] in first.splitlines(), f"the {lang} title is not on one line"
    assert ("第1条" in squeezed(first)) or ("Article1" in squeezed(first)), "the first page holds the preamble alone"
    whole = squeezed("".join(printed))
    for lang in (("ja", "en") if language == "both" else (language,)):  # down to the signatures
        assert squeezed(t("addendum.signature_intro", lang)) in whole
    assert 1 <= len(printed) <= (8 if language == "both" else 5), len(printed)


def test_the_screen_lists_each_addendum_with_its_stored_name(ctx):
    link = f.link(ctx, f.party(ctx, "株式会社一覧", name_en="Ichiran K.K."), business_id=f.business(ctx))
    _, built = addenda.generate(ctx, AddendumRequest([link], "ja", ["confidentiality"]))
    assert [row["file_name"] for row in addenda.addenda_of(ctx, link)] == [built.file_name]
