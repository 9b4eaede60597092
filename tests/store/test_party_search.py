"""The party search finds what a substring match finds, whether the trigram index answers (one
company searched for) or LIKE does (a short or common text), and follows every rename."""

from __future__ import annotations

import pytest

from tests import factories as f
from tracker.domain.party_rules import PartyDraft
from tracker.services import parties
from tracker.store import registry_queries as q

NAMES = [("株式会社北斗印刷", "ホクトインサツ"), ("北斗システム株式会社", "ホクトシステム"), ("Nimbus Cloud Services Pte. Ltd.", ""),
         ("nimbus data 株式会社", "ニンバス"), ("株式会社ペイロール100%", "ペイロール"), ("株式会社 under_score", "")]
TEXTS = ["北斗", "北斗印刷", "ホクト", "NIMBUS", "cloud serv", "100%", "r_s", "_sc", "株式会社", "0000", "存在しない会社",
         "nimbus data 株"]


def _expected(rows: list[dict], text: str) -> set[int]:
    wanted = text.casefold()
    return {r["id"] for r in rows if any(wanted in (r[k] or "").casefold() for k in ("name", "kana", "corporate_number"))}


def _found(ctx, text: str) -> tuple[set[int], int]:
    with ctx.read() as db:
        rows, total = q.parties_page(db, text=text, limit=100)
        picked = q.party_choices(db, text=text, limit=100)
    assert {r["id"] for r in picked} == {r["id"] for r in rows}
    return {r["id"] for r in rows}, total


@pytest.mark.parametrize("few", [1000, 1])  # the index answers; LIKE answers (the index found "too many")
def test_the_index_and_like_find_the_same_parties(ctx, monkeypatch, few):
    monkeypatch.setattr(q, "SEARCH_FEW", few)
    for name, kana in NAMES:
        f.party(ctx, name, kana=kana, corporate_number=f.corporate_number())
    with ctx.read() as db:
        everyone = list(db.query("SELECT id, name, kana, corporate_number FROM parties"))
    number = everyone[0]["corporate_number"][-6:]
    for text in [*TEXTS, number]:
        found, total = _found(ctx, text)
        assert found == _expected(everyone, text), text
        assert total == len(found)


def test_one_company_searched_for_is_read_from_the_index(ctx):
    party_id = f.party(ctx, "株式会社北斗印刷")
    f.party(ctx, "北斗システム株式会社")
    with ctx.read() as db:
        assert q._indexed(db, "北斗印刷") == [party_id]
        assert q._indexed(db, "ほくと") == []  # nothing holds it: no scan of every party either


def test_a_renamed_party_is_found_by_its_new_name_only(ctx):
    party_id = f.party(ctx, "旧社名印刷株式会社")
    row = parties.get_party(ctx, party_id)
    parties.update_party(ctx, party_id, row["version"], PartyDraft(name="新社名ロジスティクス株式会社"))
    assert _found(ctx, "旧社名印刷")[0] == set()
    assert _found(ctx, "ロジスティクス")[0] == {party_id}
