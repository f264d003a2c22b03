"""Who may see the console: one shared token, a signed session cookie, CSRF tokens.

The token (DIGESTBOT_WEB_TOKEN) is typed once into the login form; the console answers
with a session cookie signed by a key derived from it (HttpOnly, SameSite=Strict, Secure
behind https), so the token itself never travels again. Scripts send it as
`Authorization: Bearer <token>` instead. Every state-changing form carries a CSRF token
bound to the session (an HMAC of the cookie), so another site cannot post on its behalf.
Comparisons are constant-time; a wrong token is answered only after a delay.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from bot.domain.public_links import derive_key

COOKIE_NAME = "digestbot_session"
#: How long a session lasts before the token must be typed again.
SESSION_SECONDS = 7 * 24 * 3600
#: The form field (and header) carrying the CSRF token.
CSRF_FIELD = "csrf"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@dataclass(frozen=True)
class ConsoleAuth:
    """Checks the token, issues and verifies session cookies and their CSRF tokens."""

    token: str
    #: Mark the cookie Secure (the console is reached over https).
    secure: bool = False

    @property
    def _key(self) -> bytes:
        return derive_key(self.token, "session cookies")

    def token_matches(self, given: str) -> bool:
        """Whether `given` is the token, in constant time."""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def bearer_matches(self, header: str | None) -> bool | None:
        """True/False for an `Authorization: Bearer …` header, None when there is none."""
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return self.token_matches(value.strip())

    def new_session(self, now: float | None = None) -> str:
        """A fresh cookie value: when it was issued, a nonce, and their MAC."""
        issued = int(now if now is not None else time.time())
        body = f"v1.{issued}.{_b64(secrets.token_bytes(12))}"
        return f"{body}.{self._mac(body)}"

    def session_valid(self, value: str | None, now: float | None = None) -> bool:
        """Whether a cookie value was issued by this console and has not expired."""
        if not value or value.count(".") != 3:
            return False
        body, _, mac = value.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(body)):
            return False
        issued = body.split(".")[1]
        if not issued.isdigit():
            return False
        age = (now if now is not None else time.time()) - int(issued)
        return 0 <= age <= SESSION_SECONDS

    def csrf_for(self, session: str) -> str:
        """The CSRF token of a session: forms carry it, and a POST without it is refused."""
        return self._mac(f"csrf:{session}")

    def csrf_valid(self, session: str, given: str | None) -> bool:
        """Whether `given` is the session's CSRF token."""
        return bool(given) and hmac.compare_digest(str(given), self.csrf_for(session))

    def _mac(self, text: str) -> str:
        return _b64(hmac.new(self._key, text.encode(), hashlib.sha256).digest())
