"""E-mail addresses, checked wherever one enters (a party, a user, a request's contact, a forward):
one address, nothing that could end a mail header (a line break would add headers, or make the
mail fail to build and stop the chase for everyone after it)."""

from __future__ import annotations

from email.errors import HeaderParseError
from email.headerregistry import Address

from .problems import Problem

MAX_LENGTH = 254  # RFC 5321's limit on a path


def is_valid(value: str) -> bool:
    """One plain address (``local@domain.tld``), as the standard library's header parser reads it."""
    if not value or len(value) > MAX_LENGTH or value.count("@") != 1:
        return False
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return False
    try:
        address = Address(addr_spec=value)
    except (ValueError, IndexError, HeaderParseError):
        return False
    return address.addr_spec == value and bool(address.username) and "." in address.domain.strip(".")


def problems(value: str | None, field: str = "email") -> list[Problem]:
    """The problem of an optional address: none when it is empty or valid."""
    return [] if not value or is_valid(value) else [Problem(field, "error.email.invalid")]
