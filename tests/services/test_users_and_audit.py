import json
import sqlite3
from datetime import date, datetime, timedelta, UTC

import pytest

from tests import factories as f
from tests.conftest import TODAY, context_for
from tracker.domain.party_rules import PartyDraft
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.domain.sign_in import Policy, session_expired
from tracker.services import approvals, audit, contracts, parties, users
from tracker.services.context import Actor, Context, PermissionDenied
from tracker.services.contracts import ContractInput
from tracker.store import connection

ADMIN = Actor("root", "Root", Role.ADMIN)


def admin(db_path):
    return Context(db_path, ADMIN, TODAY)


def add_user(db_path, name="alice", role="procurement", password="correct horse battery"):
    return users.create_user(admin(db_path), users.UserInput(name, name.title(), role, f"{name}@example.jp", password))


# --- roles against services: allowed and refused ---------------------------------------------

def _actions(ctx, link_id, approval_version):
    return {
        "edit_registry": lambda: parties.create_party(ctx, PartyDraft(name="新規")),
        "record_contract": lambda: contracts.create_contract(ctx, link_id, ContractInput("c", "dpa")),
        "decide_redelegation": lambda: approvals.decide_redelegation(ctx, link_id, approval_version, "approved", TODAY),
        "read_registry": lambda: parties.search_parties(ctx),
        "read_audit": lambda: audit.search(ctx, audit.AuditFilter()),
        "manage_users": lambda: users.list_users(ctx),
    }


ALLOWED = {
    Role.PROCUREMENT: {"edit_registry", "record_contract", "read_registry"},
    Role.PRIVACY_OFFICER: {"edit_registry", "record_contract", "decide_redelegation", "read_registry", "read_audit"},
    Role.MANAGER: {"read_registry", "read_audit"},
    Role.ADMIN: {"read_registry", "read_audit", "manage_users"},
    Role.VENDOR: set(),  # a vendor's link opens its request and nothing of the app
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_against_each_service(ctx, db_path, role):
    _, _, links = f.chain(ctx, 2)
    for name, call in _actions(context_for(db_path, role), links[1], 1).items():
        if name in ALLOWED[role]:
            call()
        else:
            with pytest.raises(PermissionDenied):
                call()


# --- passwords, lock-out, sessions -----------------------------------------------------------

def test_passwords_are_stored_as_argon2_hashes(db_path):
    add_user(db_path)
    with connection.reading(db_path) as db:
        stored = db.execute("SELECT password_hash FROM users WHERE username = 'alice'").fetchone()[0]
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert users.sign_in(db_path, "alice", "correct horse battery").role == Role.PROCUREMENT


def test_weak_passwords_are_refused(db_path):
    with pytest.raises(RuleViolation) as raised:
        add_user(db_path, "bob", password="bob-short")
    assert {p.code for p in raised.value.problems} == {"error.password.too_short", "error.password.contains_username"}


def test_lock_out_after_repeated_failures_and_release_after_the_period(db_path):
    add_user(db_path)
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    for _ in range(Policy().max_failed_attempts - 1):
        with pytest.raises(users.SignInRefused, match="invalid"):
            users.sign_in(db_path, "alice", "wrong", now=start)
    with pytest.raises(users.SignInRefused, match="locked"):
        users.sign_in(db_path, "alice", "wrong", now=start)
    with pytest.raises(users.SignInRefused, match="locked"):  # even the right password, while locked
        users.sign_in(db_path, "alice", "correct horse battery", now=start + timedelta(minutes=5))
    assert users.sign_in(db_path, "alice", "correct horse battery", now=start + timedelta(minutes=16))


def test_admin_unlocks_and_inactive_users_cannot_sign_in(db_path):
    user_id = add_user(db_path)
    for _ in range(Policy().max_failed_attempts):
        with pytest.raises(users.SignInRefused):
            users.sign_in(db_path, "alice", "wrong")
    users.unlock(admin(db_path), user_id)
    assert users.sign_in(db_path, "alice", "correct horse battery")
    [row] = [u for u in users.list_users(admin(db_path)) if u["id"] == user_id]
    users.update_user(admin(db_path), user_id, row["version"], "procurement", False, "Alice")
    with pytest.raises(users.SignInRefused, match="inactive"):
        users.sign_in(db_path, "alice", "correct horse battery")


def test_unknown_user_is_refused_like_a_wrong_password(db_path):
    with pytest.raises(users.SignInRefused, match="invalid"):
        users.sign_in(db_path, "nobody", "whatever it is")


def test_password_checks_at_once_are_at_most_one_per_core(db_path, monkeypatch):
    # each argon2 check takes 64 MB while it runs: 25 people signing in together took the server past 1 GB
    import os
    import threading
    import time

    running, most, guard = 0, 0, threading.Lock()
    real = users._hasher

    class Counted:  # the real hasher, counting how many checks run at once
        def verify(self, password_hash, password):
            nonlocal running, most
            with guard:
                running += 1
                most = max(most, running)
            try:
                time.sleep(0.02)  # long enough for the others to arrive
                return real.verify(password_hash, password)
            finally:
                with guard:
                    running -= 1

    monkeypatch.setattr(users, "_hasher", Counted())
    refused = []

    def attempt(n):
        try:
            users.sign_in(db_path, f"nobody-{n}", "wrong password")
        except users.SignInRefused as refusal:
            refused.append(refusal.reason)

    people = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for person in people:
        person.start()
    for person in people:
        person.join()
    assert refused == ["invalid"] * 8
    assert 1 <= most <= (os.cpu_count() or 2)


def test_session_expires_after_inactivity():
    policy = Policy(session_timeout=timedelta(minutes=30))
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert not session_expired(now - timedelta(minutes=29), now, policy)
    assert session_expired(now - timedelta(minutes=31), now, policy)


def test_single_sign_on_identity_maps_to_a_registered_user(db_path):
    add_user(db_path, "carol", "manager")
    assert users.actor_for_email(db_path, "CAROL@example.jp").role == Role.MANAGER
    assert users.actor_for_email(db_path, "stranger@example.jp") is None


# --- the audit trail --------------------------------------------------------------------------

def trail(db_path, table=None):
    with connection.reading(db_path) as db:
        sql = "SELECT action, table_name, row_id, before, after, username FROM audit_log"
        return db.execute(sql + (" WHERE table_name = ?" if table else "") + " ORDER BY id",
                          [table] if table else []).fetchall()


def test_every_change_is_recorded_with_before_and_after(ctx, db_path):
    party_id = f.party(ctx, "元の名前")
    parties.update_party(ctx, party_id, 1, PartyDraft(name="新しい名前"))
    [(a1, t1, r1, b1, after1, u1), (a2, _, r2, b2, after2, u2)] = trail(db_path, "parties")
    assert (a1, t1, r1, b1, u1) == ("insert", "parties", party_id, None, ctx.actor.username)
    assert json.loads(after1)["name"] == "元の名前"
    assert (a2, r2) == ("update", party_id)
    assert json.loads(b2)["name"] == "元の名前" and json.loads(after2)["name"] == "新しい名前"


def test_a_refused_change_leaves_no_audit_record(ctx, db_path):
    before = len(trail(db_path))
    with pytest.raises(RuleViolation):
        f.party(ctx, "", email="bad")
    assert len(trail(db_path)) == before


def test_sign_ins_are_access_records_and_password_hashes_never_appear(db_path):
    add_user(db_path)
    users.sign_in(db_path, "alice", "correct horse battery")
    with pytest.raises(users.SignInRefused):
        users.sign_in(db_path, "alice", "wrong")
    actions = [row[0] for row in trail(db_path)]
    assert "sign_in" in actions and "sign_in_failed" in actions
    with connection.reading(db_path) as db:
        assert not db.execute("SELECT count(*) FROM audit_log WHERE after LIKE '%argon2%'").fetchone()[0]


def _tamper(db_path, *statements):
    conn = sqlite3.connect(db_path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def audited(ctx, db_path):
    for name in ("A", "B", "C", "D"):
        f.party(ctx, name)
    broken, count = audit.verify_chain(db_path)
    assert broken is None and count == 4
    return db_path


def test_verify_detects_an_edited_record(audited):
    _tamper(audited, "UPDATE audit_log SET after = replace(after, '\"A\"', '\"Z\"') WHERE id = 1")
    broken, _ = audit.verify_chain(audited)
    assert (broken.record_id, broken.reason) == (1, "edited")


def test_verify_detects_a_deleted_record(audited):
    _tamper(audited, "DELETE FROM audit_log WHERE id = 2")
    assert audit.verify_chain(audited)[0].record_id == 3


def test_verify_detects_reordered_records(audited):
    _tamper(audited, "UPDATE audit_log SET id = -2 WHERE id = 2", "UPDATE audit_log SET id = 2 WHERE id = 3",
            "UPDATE audit_log SET id = 3 WHERE id = -2")
    assert audit.verify_chain(audited)[0].record_id == 2


def test_verify_detects_records_cut_off_the_end(audited):
    _tamper(audited, "DELETE FROM audit_log WHERE id = 4")
    broken, _ = audit.verify_chain(audited)
    assert (broken.record_id, broken.reason) == (None, "truncated")


def test_audit_search_filters_by_user_object_and_date(ctx, db_path):
    party_id = f.party(ctx, "A")
    other = Context(db_path, Actor("other", "Other", Role.PROCUREMENT), TODAY)
    f.party(other, "B")
    records, total = audit.search(ctx, audit.AuditFilter(username="other"))
    assert total == 1 and records[0].username == "other"
    records, _ = audit.search(ctx, audit.AuditFilter(table_name="parties", row_id=party_id))
    assert [r.row_id for r in records] == [party_id]
    assert audit.search(ctx, audit.AuditFilter(since=date(2999, 1, 1)))[1] == 0


def test_admin_resets_a_forgotten_password(db_path):
    user_id = add_user(db_path)
    with pytest.raises(RuleViolation):
        users.set_password(admin(db_path), user_id, "short")
    users.set_password(admin(db_path), user_id, "a brand new passphrase")
    assert users.sign_in(db_path, "alice", "a brand new passphrase")
    with pytest.raises(users.SignInRefused):
        users.sign_in(db_path, "alice", "correct horse battery")
    with pytest.raises(PermissionDenied):
        users.set_password(context_for(db_path, Role.PRIVACY_OFFICER), user_id, "another long passphrase")


def test_an_audit_record_reads_as_the_fields_it_changed(ctx, db_path):
    from tracker.services.parties import get_party, update_party
    from tracker.domain.party_rules import PartyDraft
    party_id = f.party(ctx, "監査対象株式会社", address="東京都")
    current = get_party(ctx, party_id)
    update_party(ctx, party_id, current["version"], PartyDraft(name="監査対象株式会社", address="大阪府"))
    records, _ = audit.search(context_for(db_path, Role.MANAGER), audit.AuditFilter(table_name="parties", row_id=party_id))
    update = next(r for r in records if r.action == "update")
    assert [(c.field, c.before, c.after) for c in audit.changes_of(update)] == [("address", "東京都", "大阪府")]


def test_the_display_time_zone_is_a_setting_and_a_wrong_one_is_named(tmp_path):
    from tracker import settings
    path = tmp_path / "settings.toml"
    assert settings.load(path).timezone == "Asia/Tokyo"
    path.write_text('[display]\ntimezone = "Europe/London"\n', encoding="utf-8")
    assert settings.load(path).timezone == "Europe/London"
    path.write_text('[display]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="Mars/Olympus"):
        settings.load(path)
