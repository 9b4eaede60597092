"""Every label comes from the catalogue, in both languages."""

import re
from pathlib import Path

from tracker.i18n import LANGUAGES, catalogue, describe, t
from tracker.domain.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
_KEY = re.compile(r"""\b(?:tr|t)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
_CODE = re.compile(r"""["']((?:error|finding)\.[a-z_]+(?:\.[a-z_]+)*)["']""")


def source_files():
    for folder in ("tracker", "pages"):
        yield from (ROOT / folder).rglob("*.py")
    yield ROOT / "app.py"


def test_languages_have_the_same_keys():
    assert set(catalogue("ja")) == set(catalogue("en"))


def test_every_literal_key_in_the_code_exists():
    keys = set(catalogue("ja"))
    used = set()
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        used |= {k for k in _KEY.findall(text) if not k.endswith(".")}
        used |= set(_CODE.findall(text))
    missing = sorted(k for k in used if k not in keys)
    assert not missing, missing
    assert len(used) > 50  # the scan itself works


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)}")
    for key, text in catalogue("ja").items():
        assert set(field.findall(text)) == set(field.findall(catalogue("en")[key])), key


def test_problem_with_categories_reads_naturally():
    problem = Problem("data_categories", "error.chain.category_not_in_parent", {"categories": ["sensitive", "my_number"]})
    assert describe(problem, "ja").endswith("要配慮個人情報、特定個人情報（マイナンバー）")
    assert "Special-care data" in describe(problem, "en")


def test_missing_key_shows_itself():
    assert t("no.such.key", "en") == "no.such.key"
    assert LANGUAGES == ("ja", "en")
