"""A vendor's declaration of its sub-processors against those we registered under its link: the
same company by 法人番号, else by name (spaces, width, case and 「株式会社」 aside)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().replace(" ", "").replace("株式会社", "")


@dataclass(frozen=True)
class Comparison:
    matched: dict[int, dict]  # registered link id → the declared row naming it
    new: list[dict]  # declared rows naming no registered sub-processor
    undeclared: list[dict]  # registered sub-links (id, name, corporate_number …) the declaration leaves out


def declared_rows(answers: dict) -> list[dict]:
    """The rows a declaration names: none when the vendor says it has no sub-processors."""
    return (answers.get("subprocessors") or []) if answers.get("has_subprocessors") == "yes" else []


def compare(declared: list[dict], registered: list[dict]) -> Comparison:
    by_number = {r["corporate_number"]: r for r in registered if r.get("corporate_number")}
    by_name = {name_key(r["name"]): r for r in registered}
    matched: dict[int, dict] = {}
    new = []
    for entry in declared:
        found = by_number.get(entry.get("corporate_number") or "") or by_name.get(name_key(entry.get("name", "")))
        if found:
            matched[found["id"]] = entry
        else:
            new.append(entry)
    return Comparison(matched, new, [r for r in registered if r["id"] not in matched])
