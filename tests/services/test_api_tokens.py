"""Personal API tokens: whose, how long, and that a read-only one writes nothing anywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import TODAY
from tracker.domain.party_rules import PartyDraft
from tracker.domain.permissions import Role
from tracker.domain.problems import RuleViolation
from tracker.services import api_tokens, parties
from tracker.services.context import Actor, Context, PermissionDenied


def _as(db_path, username: str, role: Role) -> Context:
    return Context(db_path, Actor(username, username, role), TODAY)


def test_a_user_makes_its_own_tokens_and_only_an_administrator_anothers(demo_ctx):
    db = demo_ctx.db_path
    buyer = _as(db, "procurement", Role.PROCUREMENT)
    made = api_tokens.create_token(buyer, "稟議", read_only=True, expires_days=30)
    assert made.secret.startswith("trk_") and made.expires_on == TODAY + timedelta(days=30)
    with pytest.raises(PermissionDenied):
        api_tokens.create_token(buyer, "x", username="privacy")
    with pytest.raises(PermissionDenied):
        api_tokens.tokens_of(buyer, "privacy")
    with pytest.raises(RuleViolation) as refused:
        api_tokens.create_token(buyer, "稟議")
    assert [p.code for p in refused.value.problems] == ["error.token.name_taken"]
    with pytest.raises(RuleViolation) as refused:
        api_tokens.create_token(buyer, " ", expires_days=400)
    assert {p.field for p in refused.value.problems} == {"name", "expires_days"}
    someone_elses = api_tokens.create_token(_as(db, "admin", Role.ADMIN), "監視", username="privacy")
    with pytest.raises(PermissionDenied):
        api_tokens.revoke(buyer, someone_elses.token_id)
    api_tokens.revoke(_as(db, "privacy", Role.PRIVACY_OFFICER), someone_elses.token_id)
    assert api_tokens.context_for(db, someone_elses.secret, TODAY) is None


def test_a_read_only_token_writes_nothing_whatever_its_users_role(demo_ctx):
    db = demo_ctx.db_path
    made = api_tokens.create_token(_as(db, "privacy", Role.PRIVACY_OFFICER), "閲覧", read_only=True)
    ctx = api_tokens.context_for(db, made.secret, TODAY)
    assert ctx.actor.role == Role.PRIVACY_OFFICER and ctx.read_only
    assert parties.get_party(ctx, 1)["id"] == 1  # reads
    with pytest.raises(PermissionDenied):
        parties.create_party(ctx, PartyDraft(name="書けないはずの会社"))
    with pytest.raises(PermissionDenied):
        api_tokens.create_token(ctx, "もう一つ")  # not even a token of its own


def test_a_token_works_through_its_last_day_and_not_after(demo_ctx):
    db = demo_ctx.db_path
    made = api_tokens.create_token(_as(db, "manager", Role.MANAGER), "BI", expires_days=1)
    assert api_tokens.context_for(db, made.secret, TODAY + timedelta(days=1)) is not None
    assert api_tokens.context_for(db, made.secret, TODAY + timedelta(days=2)) is None
    assert api_tokens.context_for(db, made.secret[:-1] + "?", TODAY) is None


def test_a_life_of_a_billion_days_is_refused_plainly(demo_ctx):
    with pytest.raises(RuleViolation) as refused:
        api_tokens.create_token(_as(demo_ctx.db_path, "manager", Role.MANAGER), "長すぎる", expires_days=10**9)
    assert [p.field for p in refused.value.problems] == ["expires_days"]


def test_access_not_chosen_is_asked_for_never_assumed(demo_ctx):
    with pytest.raises(RuleViolation) as refused:
        api_tokens.create_token(_as(demo_ctx.db_path, "manager", Role.MANAGER), "決めていない", read_only=None)
    assert [(p.field, p.code) for p in refused.value.problems] == [("access", "error.required")]
