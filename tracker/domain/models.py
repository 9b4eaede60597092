"""Value types of the registry."""

from __future__ import annotations

from enum import StrEnum


class DataCategory(StrEnum):
    ORDINARY = "ordinary"  # 個人情報
    SENSITIVE = "sensitive"  # 要配慮個人情報
    MY_NUMBER = "my_number"  # 特定個人情報
    PAYMENT = "payment"  # 決済情報 (card numbers, payment credentials)


class EngagementStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


HOME_COUNTRY = "JP"


def parse_categories(values) -> frozenset[DataCategory]:
    """Categories from stored codes; unknown codes raise ValueError."""
    return frozenset(DataCategory(v) for v in values)
