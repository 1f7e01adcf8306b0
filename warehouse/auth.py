"""Who may write: analysts' salted password hashes, OIDC e-mail lists, login throttling.

Plain functions over the secrets mapping (the `[analysts]`, `[roles]` and
`[auth]` sections of .streamlit/secrets.toml), so they are testable without
Streamlit; ui.py reads st.secrets and st.user and asks these.

Hash format: ``scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>`` — hashlib.scrypt
with a random 16-byte salt; verified with a constant-time compare.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MiB, ~50 ms per check
SALT_BYTES, KEY_BYTES = 16, 32
MIN_PASSWORD_LENGTH = 8
OPEN_UPLOADS_ENV = "WAREHOUSE_OPEN_UPLOADS"

# modes: how analysts are recognised on this server
OIDC, PASSWORD, OPEN = "oidc", "password", "open"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * n * r + (1 << 20), dklen=KEY_BYTES)


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`, as stored in secrets.toml (never the password)."""
    salt = os.urandom(SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash; a malformed hash never matches."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt" or int(n) > 2**20:
            return False
        expected = base64.b64decode(key, validate=True)
        actual = _scrypt(password, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (ValueError, TypeError, AttributeError):
        return False
    return hmac.compare_digest(actual, expected)


# a hash to check against when the user name is unknown, so that the answer takes as long
_DUMMY_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(b'0' * SALT_BYTES)}${_b64(b'0' * KEY_BYTES)}"


def check_login(accounts: Mapping[str, str], user: str, password: str) -> bool:
    """True when `user` is a listed analyst and `password` is theirs."""
    stored = accounts.get(user.strip()) if user else None
    ok = verify_password(password, stored if isinstance(stored, str) else _DUMMY_HASH)
    return ok and isinstance(stored, str)


def toml_line(user: str, hashed: str) -> str:
    """The line an operator pastes under [analysts] in secrets.toml."""
    bare = user and all(c.isascii() and (c.isalnum() or c in "_-") for c in user)
    key = user if bare else '"' + user.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f'{key} = "{hashed}"'


# ---------------------------------------------------------------- configuration


def password_accounts(secrets: Mapping) -> dict[str, str]:
    """`[analysts]` user name → hash (entries that are not hashes are ignored)."""
    section = secrets.get("analysts") or {}
    return {str(k): v for k, v in section.items() if isinstance(v, str) and v.startswith("scrypt$")}


def analyst_emails(secrets: Mapping) -> set[str]:
    """`[roles] analysts = [...]`: the e-mails an identity provider vouches for, lower-cased."""
    roles = secrets.get("roles") or {}
    listed = roles.get("analysts") or []
    if isinstance(listed, str):
        listed = [listed]
    return {str(e).strip().lower() for e in listed if str(e).strip()}


def oidc_providers(secrets: Mapping) -> list[str | None]:
    """Providers configured in `[auth]`: None for the default one, else the names of its sub-sections."""
    section = secrets.get("auth") or {}
    if not section:
        return []
    named = [str(k) for k, v in section.items() if isinstance(v, Mapping) and "client_id" in v]
    return ([None] if "client_id" in section else []) + named


def open_uploads(environ: Mapping[str, str] | None = None) -> bool:
    """WAREHOUSE_OPEN_UPLOADS=1: a single-user machine where whoever opens the app is an analyst."""
    value = (environ if environ is not None else os.environ).get(OPEN_UPLOADS_ENV, "")
    return value.strip().lower() in ("1", "true", "yes", "on")


def modes(secrets: Mapping, environ: Mapping[str, str] | None = None) -> list[str]:
    """How analysts can be recognised here; [] means the app is read-only."""
    found = []
    if oidc_providers(secrets):
        found.append(OIDC)
    if password_accounts(secrets):
        found.append(PASSWORD)
    if open_uploads(environ):
        found.append(OPEN)
    return found


def is_oidc_analyst(secrets: Mapping, user: Mapping) -> bool:
    """A user signed in through the identity provider whose (verified) e-mail is listed."""
    if user.get("is_logged_in") is not True or user.get("email_verified") is False:
        return False
    email = str(user.get("email") or "").strip().lower()
    return bool(email) and email in analyst_emails(secrets)


# ---------------------------------------------------------------- throttling


@dataclass
class Throttle:
    """At most `limit` wrong passwords per user name in `window` seconds, for the whole server."""

    limit: int = 5
    window: float = 900.0
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, user: str, now: float) -> list[float]:
        recent = [t for t in self._failures.get(user, []) if now - t < self.window]
        self._failures[user] = recent
        return recent

    def wait_seconds(self, user: str, now: float | None = None) -> float:
        """0 when `user` may try now, else how long until the oldest failure expires."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = self._recent(user.strip().lower(), now)
            return 0.0 if len(recent) < self.limit else self.window - (now - recent[0])

    def failed(self, user: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(user.strip().lower(), now).append(now)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(user.strip().lower(), None)

