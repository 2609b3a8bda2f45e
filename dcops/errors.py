"""Service-level errors the web layer turns into form errors or problem+json."""

from __future__ import annotations

from dcops.i18n import _
from dcops.vocabulary import word


class ValidationFailed(Exception):
    """Bad input, with a message per field ("" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" if k else v for k, v in errors.items()))


class NotFound(Exception):
    """`what`: the record's noun (dcops.vocabulary.NOUNS), shown in the reader's language."""

    def __init__(self, what: str, key: object) -> None:
        self.what, self.key = what, key
        super().__init__(_("%(what)s %(key)s does not exist", what=word(what), key=key))


class Conflict(Exception):
    """The change collides with the current state (a taken rack unit, a duplicate name)."""

    def __init__(self, message: str, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class SigningKeyUnreadable(RuntimeError):
    """The current pass signing key does not decrypt: this host's key-encryption key is not the one it was
    stored under (dcops.access.keys). The app refuses to start; a request meeting it answers 503 saying so."""
