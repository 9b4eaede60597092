"""A believable synthetic registry for benchmarks (`tracker demo --scale N`): N parties, about four
engagements per party in chains 1–6 tiers deep with heavy-tailed fan-out, a long tail of shared
sub-processors (the same cloud and printing companies in thousands of chains), contracts with
partial coverage, certifications, selection checks, reviews and a few incidents. Reproducible
with a seed.

Written in bulk (executemany in one transaction) rather than through the services, which would
take hours at this size; so it makes no audit records. The rules still hold: tiers, paths,
categories flowing down, one party per path, derived masks and the schedule."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

from ..domain.chain import PATH_SEPARATOR
from ..domain.corporate_number import with_check_digit
from . import connection, coverage_masks, due_items
from . import settings_queries as sq

ENGAGEMENTS_PER_PARTY = 4
MAX_TIER = 6
_DEPARTMENTS = ["人事部", "総務部", "経理部", "営業本部", "お客様サービス部", "情報システム部", "マーケティング部",
                "物流部", "法務部", "購買部", "健康管理室", "広報部"]
_WORK = ["データ入力", "発送代行", "コールセンター運営", "給与計算", "システム保守", "クラウド保管", "印刷・封入",
         "書類保管", "文書廃棄", "アンケート集計", "会員管理", "配送", "健診結果管理", "問い合わせ対応"]
_FOREIGN = ["SG", "US", "PH", "VN", "IE", "DE", "IN"]
_STAMP = "2026-01-01T00:00:00+00:00"
_BY = "synthetic"


def build(db_path: Path, parties: int, clause_ids: list[str], seed: int = 2026,
          today: date = date(2026, 11, 22)) -> dict[str, int]:
    """Fill an empty, initialised database; returns the counts made. ``clause_ids``: the catalogue's."""
    with connection.writing(db_path) as db:
        sq.put(db, {"organisation_name": "株式会社ベンチマーク商事",
                    "organisation_name_en": "Benchmark Trading Co., Ltd."})
    rng = random.Random(seed)  # noqa: S311 - repeatable benchmark data, not a secret
    clauses = clause_ids
    with connection.writing(db_path) as db:
        if db.execute("SELECT count(*) FROM parties").fetchone()[0]:
            raise ValueError(f"{db_path} already holds a registry")
        conn = db.conn
        audit = (_STAMP, _BY, _STAMP, _BY)
        # parties: the first 1 % are the shared sub-processors of the long tail
        shared = max(5, parties // 100)
        party_rows, countries = [], {}
        for i in range(1, parties + 1):
            country = rng.choice(_FOREIGN) if rng.random() < 0.04 else "JP"
            countries[i] = country
            parent = rng.randint(1, i - 1) if i > 10 and rng.random() < 0.05 else None
            number = with_check_digit(f"{3000000000000 + i * 7:012d}"[-12:]) if country == "JP" else None
            kind = "クラウド" if i <= shared and i % 2 else ("印刷" if i <= shared else "サービス")
            party_rows.append((i, f"合成{kind}{i:06d}株式会社", f"ゴウセイ{i:06d}", number, f"東京都千代田区{i % 100}-{i % 7}",
                               country, parent, *audit))
        conn.executemany(
            """INSERT INTO parties (id, name, kana, corporate_number, address, country, parent_party_id, created_at,
                                    created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)""", party_rows)
        businesses = max(3, parties // 100)
        conn.executemany(
            "INSERT INTO businesses (id, name, owner_department, created_at, created_by, updated_at, updated_by) "
            "VALUES (?,?,?,?,?,?,?)",
            [(b, f"合成業務{b:05d}（{_WORK[b % len(_WORK)]}）", _DEPARTMENTS[b % len(_DEPARTMENTS)], *audit)
             for b in range(1, businesses + 1)])
        conn.execute("INSERT INTO users (id, username, display_name, email, role, created_at, created_by, updated_at, "
                     "updated_by) VALUES (1, 'bench', 'ベンチ 担当', 'bench@example.jp', 'privacy_officer', ?,?,?,?)",
                     audit)

        target = parties * ENGAGEMENTS_PER_PARTY
        shared_weights = [1 / (k ** 1.1) for k in range(1, shared + 1)]  # heavy tail: a few are everywhere
        business_weights = [1 / (k ** 0.8) for k in range(1, businesses + 1)]
        links, approvals, selections = [], [], []
        next_id = 1

        def entrustee(on_path: set[int], tier: int) -> int:
            for _ in range(20):
                if tier > 1 and rng.random() < 0.45:
                    candidate = rng.choices(range(1, shared + 1), shared_weights)[0]
                else:
                    candidate = rng.randint(shared + 1, parties)
                if candidate not in on_path:
                    return candidate
            return next(p for p in range(shared + 1, parties + 1) if p not in on_path)

        while next_id <= target:
            business = rng.choices(range(1, businesses + 1), business_weights)[0]
            categories = ["ordinary"] + [c for c, p in (("my_number", .08), ("sensitive", .1), ("payment", .1))
                                         if rng.random() < p]
            stack = [(None, 1, "", frozenset(), categories, None)]
            while stack and next_id <= target:
                parent, tier, parent_key, on_path, parent_categories, entruster = stack.pop()
                party = entrustee(set(on_path), tier)
                link_id, next_id = next_id, next_id + 1
                key = f"{parent_key}{PATH_SEPARATOR}{link_id:010d}" if parent_key else f"{link_id:010d}"
                own = parent_categories if rng.random() < 0.7 else ["ordinary"] + [
                    c for c in parent_categories if c != "ordinary" and rng.random() < 0.5]
                status = "active" if rng.random() < 0.9 else ("proposed" if rng.random() < 0.7 else "ended")
                if parent is not None and links[parent - 1][10] != "active" and status == "active":
                    status = "proposed"
                abroad = rng.random() < 0.05
                start = today - timedelta(days=rng.randint(30, 2500))
                links.append((link_id, business, parent, entruster, party, tier, key, _WORK[rng.randrange(len(_WORK))],
                              json.dumps(sorted(set(own))), rng.randint(10, 50000),
                              status, json.dumps(["JP"]), json.dumps([rng.choice(_FOREIGN)] if abroad else ["JP"]),
                              start.isoformat(), (today - timedelta(days=10)).isoformat() if status == "ended" else None,
                              1 if rng.random() < 0.6 else None, *audit))
                if tier > 1:
                    roll = rng.random()
                    state = "approved" if roll < 0.85 else ("pending" if roll < 0.95 else "rejected")
                    approvals.append((link_id, state, None if state == "pending" else "bench",
                                      None if state == "pending" else start.isoformat(), *audit))
                if status == "active" and rng.random() < 0.8:
                    selections.append((link_id, (start - timedelta(days=20)).isoformat(),
                                       json.dumps({a: "ok" for a in ("policy", "rules", "organisational", "human",
                                                                      "physical", "technical", "foreign")}),
                                       json.dumps(["hearing"]), "approved", "ベンチ 担当", *audit))
                if tier < MAX_TIER:
                    children = min(int(rng.paretovariate(1.6)) - 1 if rng.random() < 0.55 else 0, 40)
                    for _ in range(children):
                        stack.append((link_id, tier + 1, key, on_path | {party}, own, party))
        conn.executemany(
            """INSERT INTO engagements (id, business_id, parent_engagement_id, entruster_party_id, entrustee_party_id,
                   tier, path_key, work, data_categories, individuals_count, status, processing_countries,
                   storage_countries, start_date, end_date, owner_user_id, created_at, created_by, updated_at,
                   updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", links)
        conn.executemany(
            """INSERT INTO approvals (engagement_id, status, decided_by, decided_on, created_at, created_by,
                   updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?)""", approvals)
        conn.executemany(
            """INSERT INTO selection_checks (engagement_id, checked_on, areas, methods, result, decided_by,
                   created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)""", selections)
        conn.execute("UPDATE engagements SET ref = 'E' || id WHERE ref IS NULL")
        conn.execute("UPDATE engagements SET selection_override_reason = '紙の台帳から移行' WHERE status = 'active' AND "
                     "id NOT IN (SELECT engagement_id FROM selection_checks)")

        # contracts with partial coverage: most links have one; a few have none (a gap of its own)
        bits = coverage_masks.ensure_bits(db, list(clauses))
        contract_rows, coverage_rows = [], []
        contract_id = 0
        for link in links:
            if link[10] == "ended" or rng.random() < 0.08:
                continue
            contract_id += 1
            covered = {c for c in clauses if rng.random() < 0.8}
            partial = {c for c in clauses if c not in covered and rng.random() < 0.3}
            signed = date.fromisoformat(link[13]) - timedelta(days=15)
            until = None if rng.random() < 0.5 else (signed + timedelta(days=rng.randint(200, 1500))).isoformat()
            stable_covered = sum(1 << bits[c] for c in covered)
            stable_partial = sum(1 << bits[c] for c in partial)
            contract_rows.append((contract_id, link[0], f"業務委託契約書 {link[0]}", "master", signed.isoformat(), until,
                                  int(rng.random() < 0.4), 6 if rng.random() < 0.2 else None, stable_covered,
                                  stable_partial, *audit))
            coverage_rows += [(contract_id, c, 1, "covered", *audit) for c in covered]
            coverage_rows += [(contract_id, c, 1, "partial", *audit) for c in partial]
        conn.executemany(
            """INSERT INTO contracts (id, engagement_id, title, kind, signed_on, valid_until, auto_renewal,
                   report_interval_months, covered_mask, partial_mask, created_at, created_by, updated_at, updated_by)
               VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", contract_rows)
        conn.executemany(
            """INSERT INTO clause_coverage (contract_id, clause_id, clause_version, status, created_at, created_by,
                   updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?)""", coverage_rows)

        certifications = [(p, rng.choice(["isms", "pmark", "soc2"]), f"CERT-{p:07d}",
                           (today + timedelta(days=rng.randint(-200, 900))).isoformat(), *audit)
                          for p in range(1, parties + 1) if rng.random() < 0.2]
        conn.executemany(
            """INSERT INTO certifications (party_id, scheme, number, valid_until, created_at, created_by, updated_at,
                   updated_by) VALUES (?,?,?,?,?,?,?,?)""", certifications)
        reviews = [(link[0], kind, (today - timedelta(days=rng.randint(1, 420))).isoformat(),
                    rng.choice(["on_site", "document", "remote"]) if kind == "inspection" else None, "ベンチ 担当",
                    *audit)
                   for link in links if link[10] == "active"
                   for kind, share in (("inspection", 0.85), ("reevaluation", 0.8)) if rng.random() < share]
        conn.executemany(
            """INSERT INTO reviews (engagement_id, kind, completed_on, method, inspector, created_at, created_by,
                   updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?)""", reviews)
        conn.execute("UPDATE reviews SET remote_reason = 'ビデオ会議' WHERE method = 'remote'")
        incidents = [(link[0], f"合成事案{n}", (today - timedelta(days=rng.randint(1, 60))).isoformat(),
                      rng.randint(1, 3000), *audit)
                     for n, link in enumerate(rng.sample(links, max(1, len(links) // 2000)), start=1)]
        conn.executemany(
            """INSERT INTO incidents (engagement_id, title, learned_on, individuals_count, created_at, created_by,
                   updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?)""", incidents)
        due_items.rebuild_all(db)
        counts = {"parties": parties, "businesses": businesses, "engagements": len(links),
                  "contracts": len(contract_rows), "coverage entries": len(coverage_rows),
                  "certifications": len(certifications), "reviews": len(reviews), "incidents": len(incidents)}
    with connection.reading(db_path) as db:
        counts["due items"] = db.execute("SELECT count(*) FROM due_items").fetchone()[0]
    return counts

