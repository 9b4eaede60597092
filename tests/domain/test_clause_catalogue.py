import tomllib
from pathlib import Path

import pytest

from tracker.domain.clauses import (
    CatalogueError, Condition, Level, LinkTraits, load_catalogue, parse_clause, requirements,
)
from tracker.domain.models import DataCategory as C

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "contract_clauses"
DOMAIN_CLAUSES = {
    "confidentiality", "purpose_limitation", "redelegation_approval", "copy_restriction", "security_measures",
    "breach_notification", "deletion_certificate", "termination_damages", "reporting_and_audit",
    "onsite_inspection", "staff_training", "removal_ban", "work_site_notice", "foreign_transfer", "governing_law",
}
BRIEF_FIVE = {"confidentiality", "redelegation_approval", "deletion_certificate", "onsite_inspection",
              "breach_notification"}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE_DIR)


def traits(*categories, countries=("JP",), tier=1, has_children=False):
    return LinkTraits(frozenset(categories), frozenset(countries), tier, has_children)


def test_catalogue_covers_every_clause_of_the_domain(catalogue):
    assert {c.id for c in catalogue} >= DOMAIN_CLAUSES
    assert all(c.sources and c.article_ja and c.article_en and c.version >= 1 for c in catalogue)


def test_the_five_of_the_brief_are_required_for_every_engagement(catalogue):
    required = requirements(catalogue, traits(C.ORDINARY))
    assert set(required) >= BRIEF_FIVE


def test_my_number_makes_the_legal_duties_must(catalogue):
    plain = requirements(catalogue, traits(C.ORDINARY))
    my_number = requirements(catalogue, traits(C.ORDINARY, C.MY_NUMBER))
    assert plain["confidentiality"].level == Level.SHOULD
    assert my_number["confidentiality"].level == Level.MUST
    assert Condition.MY_NUMBER in my_number["confidentiality"].reasons
    assert my_number["work_site_notice"].level == Level.SHOULD and "work_site_notice" not in plain


def test_sensitive_data_requires_named_sites(catalogue):
    required = requirements(catalogue, traits(C.ORDINARY, C.SENSITIVE))
    assert required["work_site_notice"].reasons == (Condition.SENSITIVE,)


def test_processing_or_storage_abroad_or_a_foreign_entrustee(catalogue):
    assert "foreign_transfer" not in requirements(catalogue, traits(C.ORDINARY))
    abroad = requirements(catalogue, traits(C.ORDINARY, countries=("JP", "SG")))
    assert abroad["foreign_transfer"].level == Level.MUST and "governing_law" in abroad


def test_re_delegating_requires_reporting_on_sub_processors(catalogue):
    assert "subprocessor_oversight" not in requirements(catalogue, traits(C.ORDINARY))
    assert "subprocessor_oversight" in requirements(catalogue, traits(C.ORDINARY, has_children=True))


def valid_clause(**changes):
    data = tomllib.loads((CATALOGUE_DIR / "confidentiality.toml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "field"), [
    ({"title_en": ""}, "title_en"),
    ({"version": 0}, "version"),
    ({"id": "other"}, "id"),
    ({"sources": []}, "sources"),
    ({"required_when": [{"condition": "always", "level": "maybe"}]}, "required_when[0].level"),
    ({"required_when": [{"condition": "full_moon", "level": "must"}]}, "required_when[0].condition"),
    ({"article_ja": "{entrustee}は{nonsense}を守る。"}, "article_ja"),
    ({"colour": "red"}, "colour"),
    ({"article_ja": "乙は{if tier}守る。{end}"}, "article_ja"),  # a passage on a condition text cannot follow
    ({"article_en": "Keep it.{if my_number} Also {nonsense}.{end}"}, "article_en"),
    ({"article_en": "Keep it.{if my_number} unclosed"}, "article_en"),
])
def test_a_bad_file_is_named_with_its_field(changes, field):
    with pytest.raises(CatalogueError) as raised:
        parse_clause(valid_clause(**changes), "confidentiality.toml")
    assert raised.value.file == "confidentiality.toml" and raised.value.field == field


def test_missing_field_is_named():
    data = valid_clause()
    del data["article_en"]
    with pytest.raises(CatalogueError, match="confidentiality.toml: article_en"):
        parse_clause(data, "confidentiality.toml")


def test_invalid_toml_and_duplicate_order_are_named(tmp_path):
    (tmp_path / "broken.toml").write_text("id = ", encoding="utf-8")
    with pytest.raises(CatalogueError, match="broken.toml"):
        load_catalogue(tmp_path)
    (tmp_path / "broken.toml").unlink()
    for name in ("confidentiality", "purpose_limitation"):
        text = (CATALOGUE_DIR / f"{name}.toml").read_text(encoding="utf-8").replace("order = 2", "order = 1")
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(tmp_path)
    assert raised.value.field == "order"
