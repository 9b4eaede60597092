import pytest

from tracker.domain.addenda import (
    Language, PlaceholderMissing, article_heading, articles, fill, inspection_interval, ordered,
)
from tracker.services.catalogue import catalogue


def test_placeholders_are_filled_in_one_pass_and_values_stay_literal():
    text = fill("{entrustee}は{work}を行う。", {"entrustee": "A&B <{work}>", "work": "発送"}, "c")
    assert text == "A&B <{work}>は発送を行う。"


def test_a_placeholder_without_a_value_stops_and_is_named():
    with pytest.raises(PlaceholderMissing) as missing:
        fill("保管: {storage_countries}", {"storage_countries": " "}, "work_site_notice")
    assert (missing.value.placeholder, missing.value.clause_id) == ("storage_countries", "work_site_notice")


def test_articles_follow_catalogue_order_and_are_numbered_per_language():
    clauses = ordered(catalogue(), ["removal_ban", "confidentiality", "staff_training"])
    assert [c.id for c in clauses] == sorted([c.id for c in clauses], key=lambda i: next(
        c.order for c in catalogue() if c.id == i))
    values = {lang: {name: f"<{name}>" for name in ("entruster", "entrustee", "work", "data_categories", "agreement")}
              for lang in ("ja", "en")}
    made = articles(clauses, values, Language.BOTH.parts)
    assert [a.number for a in made] == [1, 2, 3]
    assert made[0].headings == {"ja": article_heading(1, clauses[0].title_ja, "ja"),
                                "en": f"Article 1 ({clauses[0].title_en})"}
    assert made[0].headings["ja"].startswith("第1条（")


def test_inspection_interval_reads_naturally():
    assert inspection_interval(12, "ja") == "1年に1回以上"
    assert inspection_interval(6, "ja") == "6か月に1回以上"
    assert inspection_interval(12, "en") == "at least once a year"
    assert inspection_interval(24, "en") == "at least once every 2 years"
