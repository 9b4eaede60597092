"""Settings an organisation may change, from a TOML file: $TRACKER_SETTINGS, else data/settings.toml
next to the database; every value has a default, so the file is optional."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from . import config
from .domain.client_address import Network, networks
from .domain.sign_in import Policy


@dataclass(frozen=True)
class Smtp:
    """Where reminder e-mails go out. The password is never in the file: it is read from the
    environment variable named by ``password_env`` when mail is sent."""

    host: str = ""
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" (implicit, usually port 465) or "none"
    sender: str = ""
    username: str = ""
    password_env: str = "TRACKER_SMTP_PASSWORD"  # noqa: S105 - the variable's name, not a password
    timeout_seconds: float = 30

    @property
    def password(self) -> str:
        return os.environ.get(self.password_env, "")


@dataclass(frozen=True)
class Requests:
    """Requests to vendors: where their links point (the organisation's own address for the app),
    how long a link outlives its due date, and how often each risk tier's vendor is asked again (the
    re-evaluation; on-site inspections keep each link's own interval, yearly by default, as the
    guideline asks of every link)."""

    public_url: str = "http://localhost:8501"
    grace_days: int = 14
    finding_action_days: int = 30  # a finding's proposed corrective action is due this many days on
    max_files: int = 20  # files one request's answers may name
    max_files_megabytes: int = 100  # and their total size
    checksheet_months: tuple[tuple[str, int], ...] = (("high", 12), ("medium", 12), ("low", 24))


@dataclass(frozen=True)
class Settings:
    sign_in: Policy = Policy()
    attachment_max_bytes: int = 20 * 1024 * 1024
    smtp: Smtp = Smtp()
    timezone: str = "Asia/Tokyo"  # how times are shown (they are stored in UTC)
    requests: Requests = Requests()
    # proxies whose X-Forwarded-For is believed (addresses or ranges); none: the connection's address counts
    trusted_proxies: tuple[Network, ...] = ()
    # webhook targets that may be on a private or loopback address (an internal 稟議 server), by host name
    webhook_private_hosts: frozenset[str] = frozenset()


_parsed: dict[Path, tuple[tuple[int, int], Settings]] = {}  # file → ((modified, size), what it says)


def load(path: Path | None = None) -> Settings:
    """The settings file's values (defaults where it is silent or absent); behind `make serve`'s own
    HAProxy (TRACKER_BEHIND_LOCAL_PROXY=1, the app processes listening on 127.0.0.1 only) that proxy
    is trusted too, so the throttles see each client's own address."""
    found = _from_file(path)
    if os.environ.get("TRACKER_BEHIND_LOCAL_PROXY") == "1" and _LOCAL_PROXY[0] not in found.trusted_proxies:
        return dataclasses.replace(found, trusted_proxies=found.trusted_proxies + _LOCAL_PROXY)
    return found


_LOCAL_PROXY = networks(["127.0.0.1"])


def _from_file(path: Path | None) -> Settings:
    """Parsed again only when the file changes: the schedule reads it for every link it refreshes (an
    import: 5,000 times)."""
    path = path or Path(os.environ.get("TRACKER_SETTINGS") or config.db_path().parent / "settings.toml")
    try:
        status = path.stat()
    except FileNotFoundError:
        return Settings()
    version = (status.st_mtime_ns, status.st_size)
    known = _parsed.get(path)
    if known is not None and known[0] == version:
        return known[1]
    loaded = _load(path)
    _parsed[path] = (version, loaded)
    return loaded


def _load(path: Path) -> Settings:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    sign_in = data.get("sign_in", {})
    defaults = Policy()
    return Settings(
        sign_in=Policy(
            min_password_length=int(sign_in.get("min_password_length", defaults.min_password_length)),
            max_failed_attempts=int(sign_in.get("max_failed_attempts", defaults.max_failed_attempts)),
            lockout=timedelta(minutes=float(sign_in.get("lockout_minutes", defaults.lockout.total_seconds() / 60))),
            session_timeout=timedelta(minutes=float(sign_in.get(
                "session_timeout_minutes", defaults.session_timeout.total_seconds() / 60))),
        ),
        attachment_max_bytes=int(data.get("attachments", {}).get("max_megabytes", 20) * 1024 * 1024),
        smtp=_smtp(data.get("smtp", {})),
        timezone=_timezone(data.get("display", {}).get("timezone", "Asia/Tokyo")),
        requests=_requests(data.get("requests", {}), data.get("risk_tiers", {})),
        trusted_proxies=_trusted_proxies(data.get("server", {}).get("trusted_proxies", [])),
        webhook_private_hosts=frozenset(str(h).lower() for h in data.get("webhooks", {}).get("private_hosts", [])),
    )


def _trusted_proxies(entries) -> tuple[Network, ...]:
    if not isinstance(entries, list):
        raise ValueError('settings [server] trusted_proxies must be a list, e.g. ["127.0.0.1", "10.0.0.0/8"]')
    try:
        return networks(entries)
    except ValueError as wrong:
        raise ValueError(f"settings [server] trusted_proxies: {wrong}") from None


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'settings [display] timezone: unknown time zone "{name}" (e.g. "Asia/Tokyo")') from None
    return name


def _smtp(data: dict) -> Smtp:
    known = {f for f in Smtp.__dataclass_fields__}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"settings [smtp]: unknown keys {sorted(unknown)} (known: {sorted(known)})")
    smtp = Smtp(**data)
    if smtp.security not in ("starttls", "tls", "none"):
        raise ValueError('settings [smtp] security must be "starttls", "tls" or "none"')
    return smtp


def _requests(data: dict, tiers: dict) -> Requests:
    defaults = Requests()
    public_url = str(data.get("public_url", defaults.public_url)).strip()
    if not public_url.startswith(("http://", "https://")):
        raise ValueError('settings [requests] public_url must start with http:// or https://')
    months = dict(defaults.checksheet_months)
    for tier in months:
        value = tiers.get(tier, {}).get("checksheet_months", months[tier])
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 60:
            raise ValueError(f"settings [risk_tiers.{tier}] checksheet_months must be a whole number of months, 1-60")
        months[tier] = value
    return Requests(public_url=public_url, grace_days=int(data.get("grace_days", defaults.grace_days)),
                    finding_action_days=int(data.get("finding_action_days", defaults.finding_action_days)),
                    max_files=int(data.get("max_files", defaults.max_files)),
                    max_files_megabytes=int(data.get("max_files_megabytes", defaults.max_files_megabytes)),
                    checksheet_months=tuple(months.items()))
