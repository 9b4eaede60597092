"""Every public write service checks its own permission (issue 14, point 10): found by reading the
services' source, then called with every role that lacks the permission, on a real database."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import types
import typing
from datetime import date
from pathlib import Path

import pytest

import tracker.services
from tests.conftest import TODAY, context_for
from tracker.domain.permissions import Action, Role, may
from tracker.services.context import Context, PermissionDenied

SERVICES = Path(tracker.services.__file__).parent
# writes that have no signed-in user by nature: signing in, and building a synthetic benchmark registry
NO_USER_YET = {("users", "sign_in"), ("users", "actor_for_email"), ("synthetic", "build"),
               ("setup", "write_organisation"), ("audit", "seal"),  # these two: setting up a database, before any user
               ("api_tokens", "context_for"),  # an API call's token, before it acts as its user
               ("webhook_delivery", "deliver_due"), ("webhook_delivery", "emit_due")}  # the app's delivery worker
# a vendor has no account: its link opens a VendorLink, whose context may answer that request only
# (a wrong link is refused: test_requests.py)
BY_LINK = {("request_answers", "open_link")}
# helpers that join a transaction their caller opened with a permission checked (their own check is
# tested too: they are called below like the others)
WRITE_MARKS = ("ctx.write(", "writing(", "records.insert", "records.update", "records.delete", "records.log",
               "write_coverage(", "write_organisation(")


def _write_functions() -> list[tuple[str, str, str | None]]:
    """(module, function, the Action named in its ctx.write/ctx.require, or None) for every public
    function of tracker.services whose body writes."""
    found = []
    for info in pkgutil.iter_modules([str(SERVICES)]):
        source = (SERVICES / f"{info.name}.py").read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            body = ast.get_source_segment(source, node)
            if not any(mark in body for mark in WRITE_MARKS):
                continue
            actions = [a.attr for call in ast.walk(node) if isinstance(call, ast.Call)
                       and isinstance(call.func, ast.Attribute) and call.func.attr in ("write", "require")
                       for a in call.args if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name)
                       and a.value.id == "Action"]
            found.append((info.name, node.name, actions[0] if actions else None))
    return found


WRITES = _write_functions()


def test_every_public_write_names_the_permission_it_needs():
    unchecked = [(m, f) for m, f, action in WRITES if action is None and (m, f) not in NO_USER_YET]
    helpers = {("attachments", "keep_file"), ("attachments", "record"),  # any evidence-writing role
               ("attachments", "drop_unnamed"),
               ("requests", "insert_request")}  # inside a transaction opened by a sender or a vendor's link
    assert set(unchecked) <= helpers, unchecked
    assert len(WRITES) > 40  # the scan sees the services (a broken scan would pass everything)


def _sample(annotation, name: str):
    """A plausible argument of this type: enough to get past the signature to the permission check."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _sample(options[0], name) if options else None
    if annotation is int or name.endswith("_id") or name == "expected_version":
        return 1
    if annotation is str:
        return "x"
    if annotation is bool:
        return False
    if annotation is bytes:
        return b"%PDF-1.4"
    if annotation is date:
        return TODAY
    if origin in (list, tuple) or annotation in (list, tuple):
        return []
    if origin is dict or annotation is dict:
        return {}
    if dataclasses.is_dataclass(annotation):
        hints = typing.get_type_hints(annotation)
        return annotation(**{f.name: _sample(hints[f.name], f.name) for f in dataclasses.fields(annotation)
                             if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING})
    return None


def _call(module: str, name: str, ctx: Context):
    function = getattr(importlib.import_module(f"tracker.services.{module}"), name)
    hints = typing.get_type_hints(function)
    arguments = []
    for parameter in list(inspect.signature(function).parameters.values()):
        if parameter.default is not inspect.Parameter.empty:
            break
        if parameter.name == "ctx":
            arguments.append(ctx)
        elif parameter.name == "db":
            arguments.append(None)  # a helper inside the caller's transaction: it must refuse first
        else:
            arguments.append(_sample(hints.get(parameter.name), parameter.name))
    return function(*arguments)


CHECKED = [(m, f, a) for m, f, a in WRITES if a is not None and (m, f) not in BY_LINK]


@pytest.mark.parametrize(("module", "function", "action"), CHECKED, ids=[f"{m}.{f}" for m, f, _ in CHECKED])
def test_every_role_without_the_permission_is_refused(db_path, module, function, action):
    refused = [role for role in Role if not may(role, Action[action])]
    for role in refused:
        with pytest.raises(PermissionDenied):
            _call(module, function, context_for(db_path, role))


@pytest.mark.parametrize("function", ["keep_file", "record"])
def test_attachments_are_refused_to_roles_that_record_nothing(db_path, function):
    for role in (Role.MANAGER, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            _call("attachments", function, context_for(db_path, role))


def test_the_organisation_is_an_administrators_setting_and_audited(db_path):
    from tracker.services import audit, setup

    for role in (Role.MANAGER, Role.PROCUREMENT, Role.PRIVACY_OFFICER):
        with pytest.raises(PermissionDenied):
            setup.set_organisation(context_for(db_path, role), "乗っ取り株式会社")
    admin = context_for(db_path, Role.ADMIN)
    setup.set_organisation(admin, "株式会社みなと商事", "Minato Trading", corporate_number="7000012050002")
    assert setup.organisation_name(context_for(db_path, Role.MANAGER)) == "株式会社みなと商事"
    records, _ = audit.search(admin, audit.AuditFilter(table_name="settings"))
    assert records and records[0].username == admin.actor.username and "みなと商事" in records[0].after
