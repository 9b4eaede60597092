"""API tokens and who they act as."""

from __future__ import annotations

from sqlite_utils import Database


def by_hash(db: Database, digest: str) -> dict | None:
    """The token with this hash and its user (active or not), or None."""
    rows = list(db.query(
        """SELECT t.*, u.username, u.display_name, u.role, u.active FROM api_tokens t
           JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?""", [digest]))
    return rows[0] if rows else None


def of_user(db: Database, user_id: int) -> list[dict]:
    """A user's tokens, newest first, without their hashes."""
    return list(db.query("""SELECT id, name, read_only, expires_on, revoked_at, last_used_at, created_at, version
                            FROM api_tokens WHERE user_id = ? ORDER BY id DESC""", [user_id]))


def name_taken(db: Database, user_id: int, name: str) -> bool:
    """Whether the user already has a token of this name."""
    return db.execute("SELECT 1 FROM api_tokens WHERE user_id = ? AND name = ?", [user_id, name]).fetchone() is not None


def mark_used(db: Database, token_id: int, at: str) -> None:
    """Record a token's last use (bookkeeping, not a change of the token: no audit record)."""
    db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [at, token_id])
