"""Amounts are kept in cents; this is the one way they are written for people."""

from __future__ import annotations


def amount(cents: int | None) -> str:
    """1210.50 as "1,210.50"."""
    return f"{(cents or 0) / 100:,.2f}"


def money(cents: int | None, currency: str = "EUR") -> str:
    """1210.50 euros as "EUR 1,210.50"."""
    return f"{currency} {amount(cents)}"
