"""What an organisation files with the Personal Information Protection Commission (PPC) for a
reportable breach, and what it tells the people affected, item by item, from the incident's facts.

- The report (個人情報保護法第26条第1項): preliminary (速報, 施行規則第8条第1項, promptly — about 3–5
  days) with the items known at the time, the rest marked as not yet known; final (確報, 第8条第2項,
  30 days, 60 for a wrongful purpose) with every item. The nine items are 第8条第1項 第1号–第9号.
- For My Number data the report is made under 番号法第29条の4第1項 and 特定個人情報の漏えい等に関する
  報告等に関する規則, with the same nine items about the 特定個人情報.
- The notice to the individuals (法第26条第2項): the items 施行規則第10条 names — 第8条第1項 第1・2・4・5・9号.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .problems import Problem


class Stage(StrEnum):
    PRELIMINARY = "preliminary"  # 速報
    FINAL = "final"  # 確報


# 施行規則第8条第1項 第1号–第9号, in order: (item key, the incident's field a person fills it from)
ITEMS = (
    ("summary", "description"),  # 概要
    ("data_items", "data_items"),  # 漏えい等が発生し、又は発生したおそれがある個人データの項目
    ("individuals", "individuals_count"),  # 本人の数
    ("cause", "cause"),  # 原因
    ("secondary_harm", "secondary_harm"),  # 二次被害又はそのおそれの有無及びその内容
    ("response", "individuals_notified_on"),  # 本人への対応の実施状況
    ("publication", "step_publication_on"),  # 公表の実施状況
    ("prevention", "prevention_measures"),  # 再発防止のための措置
    ("other", "other_notes"),  # その他参考となる事項
)
NOTICE_ITEMS = ("summary", "data_items", "cause", "secondary_harm", "other")  # 施行規則第10条


@dataclass(frozen=True)
class ReportItem:
    number: int  # 第N号
    key: str
    text: str  # "" when not known yet
    field: str  # where on the incident it is entered


def items(texts: dict[str, str], keys: tuple[str, ...] = tuple(k for k, _ in ITEMS)) -> list[ReportItem]:
    """The report's items in the rule's order, each with what the incident says (``texts``: item key
    → text, already written out)."""
    return [ReportItem(number, key, (texts.get(key) or "").strip(), field)
            for number, (key, field) in enumerate(ITEMS, start=1) if key in keys]


def final_problems(found: list[ReportItem]) -> list[Problem]:
    """A final report gives every item: each one still empty is named at its field."""
    return [Problem(item.field, "error.breach.item_missing", {"item": item.key}) for item in found if not item.text]


def individuals_text(count: int | None, at_most: int | None, lang: str) -> str:
    """「1,234人」, or 「不明（最大1,234人）」 while the number is not known; "" when neither is."""
    if count is not None:
        return f"{count:,}人" if lang == "ja" else f"{count:,}"
    if at_most is not None:
        return f"不明（最大{at_most:,}人）" if lang == "ja" else f"unknown (at most {at_most:,})"
    return ""
