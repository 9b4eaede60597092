"""Message catalogue: every label the user reads comes from tracker/locales/<lang>.toml."""

from __future__ import annotations

import functools
from collections.abc import Callable
import tomllib
from pathlib import Path

from .domain.problems import Problem

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"
_LOCALES = Path(__file__).parent / "locales"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    with (_LOCALES / f"{lang}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    """The message for ``key``; a missing key shows itself rather than failing the page."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text


def join(items, lang: str = DEFAULT_LANGUAGE, phrases: bool = False) -> str:
    """A list as prose: 「A、B」 in Japanese, "A, B" in English ("A; B" for ``phrases``, which may
    hold commas of their own)."""
    return ("、" if lang == "ja" else "; " if phrases else ", ").join(str(item) for item in items)


def describe(problem: Problem, lang: str = DEFAULT_LANGUAGE, quote: Callable[[str], str] | None = None) -> str:
    """A problem in the user's words; category codes become their names, and a parameter given per
    language ({"ja": …, "en": …}) is read in the user's. ``quote`` is applied to each text
    parameter (user data, for Markdown)."""
    params = {k: (v.get(lang, v.get(DEFAULT_LANGUAGE)) if isinstance(v, dict) else v)
              for k, v in problem.params.items()}
    if quote:
        params = {k: quote(v) if isinstance(v, str) else v for k, v in params.items()}
    if "categories" in params:
        params["categories"] = join((t(f"category.{c}", lang) for c in params["categories"]), lang)
    if "areas" in params:
        params["areas"] = join((t(f"selection.area.{a}", lang) for a in params["areas"]), lang)
    return t(problem.code, lang, **params)
