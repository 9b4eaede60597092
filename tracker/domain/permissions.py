"""Who may do what. Services check these; pages only use them to decide what to show."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PROCUREMENT = "procurement"
    PRIVACY_OFFICER = "privacy_officer"
    MANAGER = "manager"
    ADMIN = "admin"
    VENDOR = "vendor"  # a vendor's staff answering one request through its link: never a user account


USER_ROLES = (Role.PROCUREMENT, Role.PRIVACY_OFFICER, Role.MANAGER, Role.ADMIN)


class Action(StrEnum):
    READ = "read"
    EDIT_REGISTRY = "edit_registry"  # parties, businesses, engagements, contracts, attachments, import,
    #                                  certifications and selection checks (procurement onboards vendors)
    DECIDE_REDELEGATION = "decide_redelegation"  # and other privacy decisions: activation overrides
    RECORD_REVIEWS = "record_reviews"  # inspections, reports, re-evaluations, corrective actions
    HANDLE_INCIDENTS = "handle_incidents"  # breach incidents, their notices and reports
    EXPORT_REPORTS = "export_reports"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"  # and settings
    SEND_REQUESTS = "send_requests"  # checksheets and other requests to vendors; reviewing their answers
    ANSWER_REQUEST = "answer_request"  # a vendor, within the one request its link opens


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.PROCUREMENT: frozenset({Action.READ, Action.EDIT_REGISTRY, Action.SEND_REQUESTS}),
    Role.PRIVACY_OFFICER: frozenset({Action.READ, Action.EDIT_REGISTRY, Action.DECIDE_REDELEGATION,
                                     Action.RECORD_REVIEWS, Action.HANDLE_INCIDENTS, Action.EXPORT_REPORTS,
                                     Action.READ_AUDIT, Action.SEND_REQUESTS}),
    Role.MANAGER: frozenset({Action.READ, Action.EXPORT_REPORTS, Action.READ_AUDIT}),
    Role.ADMIN: frozenset({Action.READ, Action.MANAGE_USERS, Action.READ_AUDIT}),
    Role.VENDOR: frozenset({Action.ANSWER_REQUEST}),  # not even READ: the vendor services check the link
}


def may(role: Role, action: Action) -> bool:
    return action in _ALLOWED[role]
