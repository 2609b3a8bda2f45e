"""Written permissions (Art. 13.1, 13.4, 31.5; rules A2, A4, R2)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

EXPIRING_DAYS = 14


class Channel(StrEnum):
    """R2, Art. 31.5: how a written message was sent (e-mail and portal messages count as written)."""

    letter = "letter"
    email = "email"
    portal = "portal"


def expiring_soon(valid_until: date, revoked: bool, today: date) -> bool:
    """A2/A4: a permission is valid only for its period; one still in force that ends within 14 days is
    flagged, so a visit or change planned after it is not refused at the door by surprise."""
    return not revoked and today <= valid_until <= today + timedelta(days=EXPIRING_DAYS)


def in_force(valid_from: date, valid_until: date, revoked: bool, on: date) -> bool:
    """R2, Art. 31.5: written permission counts while it is not revoked and `on` lies in its period."""
    return not revoked and valid_from <= on <= valid_until
