"""Users and their sign-in state."""

from __future__ import annotations

from sqlite_utils import Database


def username_taken(db: Database, username: str) -> bool:
    """Whether a user of this name exists."""
    return db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone() is not None


def users(db: Database) -> list[dict]:
    """Every user account, by name, without its password hash."""
    return list(db.query("SELECT id, username, display_name, email, role, active, failed_attempts, locked_until, "
                         "version FROM users ORDER BY username"))


def active_names(db: Database) -> dict[int, str]:
    """Active users: id → display name, by name."""
    return dict(db.execute("SELECT id, display_name FROM users WHERE active = 1 ORDER BY display_name").fetchall())


def count_active(db: Database) -> int:
    """How many user accounts are active."""
    return db.execute("SELECT count(*) FROM users WHERE active = 1").fetchone()[0]


def for_sign_in(db: Database, username: str) -> tuple | None:
    """(id, username, display name, role, password hash, active, locked until) of a user name."""
    return db.execute("SELECT id, username, display_name, role, password_hash, active, locked_until "
                      "FROM users WHERE username = ?", [username]).fetchone()


def sign_in_state(db: Database, user_id: int) -> tuple:
    """(failed attempts, locked until, active), read inside the transaction that records an attempt."""
    return db.execute("SELECT failed_attempts, locked_until, active FROM users WHERE id = ?", [user_id]).fetchone()


def set_sign_in_state(db: Database, user_id: int, failed_attempts: int, locked_until: str | None) -> None:
    """Kept up to date outside the audit trail: each attempt is an access record of its own."""
    db.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE id = ?",
               [failed_attempts, locked_until, user_id])


def active_by_username(db: Database, username: str) -> tuple | None:
    """(id, username, display name, role) of the active user with this user name."""
    return db.execute("SELECT id, username, display_name, role FROM users WHERE username = ? AND active = 1",
                      [username]).fetchone()


def active_by_email(db: Database, email: str) -> tuple | None:
    """(id, username, display name, role) of the active user with this e-mail (case aside)."""
    return db.execute("SELECT id, username, display_name, role FROM users WHERE lower(email) = lower(?) "
                      "AND active = 1", [email]).fetchone()


def sign_in_failures(db: Database, since_by_key: dict[str, str]) -> dict[str, int]:
    """How many failed sign-ins each key (a typed name, a browser session) has had since its time."""
    return {key: db.execute("SELECT count(*) FROM sign_in_failures WHERE key = ? AND at >= ?",
                            [key, since]).fetchone()[0] for key, since in since_by_key.items()}


def add_sign_in_failure(db: Database, keys: list[str], at: str, forget_before: str) -> None:
    """A failed sign-in counted under each key; failures older than any window are let go."""
    db.execute("DELETE FROM sign_in_failures WHERE at < ?", [forget_before])
    db.conn.executemany("INSERT INTO sign_in_failures(key, at) VALUES (?, ?)", [(key, at) for key in keys])
