"""Service-level errors the web layer turns into form errors or problem+json."""

from __future__ import annotations


class ValidationFailed(Exception):
    """Bad input, with a message per field ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))


class NotFound(Exception):
    def __init__(self, what: str, key: object) -> None:
        self.what, self.key = what, key
        super().__init__(f"{what} {key} does not exist")


class Conflict(Exception):
    """The change collides with the current state (a taken rack unit, a duplicate name)."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class SigningKeyUnreadable(RuntimeError):
    """The current pass signing key does not decrypt: this host's key-encryption key is not the one it was
    stored under (dcops.access.keys). The app refuses to start; a request meeting it answers 503 saying so."""
