"""What every rule returns: allowed or not, with the reasons that name their rule and article."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dcops.i18n import _


@dataclass(frozen=True)
class Reason:
    rule: str
    article: str
    message: str
    instruction: str | None = None  # at the door: what the security officer does next (dcops.terms.door)

    def __str__(self) -> str:
        return _(
            "Art. %(article)s (rule %(rule)s): %(message)s", article=self.article, rule=self.rule, message=self.message
        )

    def as_dict(self) -> dict[str, str]:
        found = {"rule": self.rule, "article": self.article, "message": self.message}
        return found if self.instruction is None else {**found, "instruction": self.instruction}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @classmethod
    def allow(cls, *reasons: Reason) -> Verdict:
        return cls(True, tuple(reasons))

    @classmethod
    def deny(cls, *reasons: Reason) -> Verdict:
        return cls(False, tuple(reasons))

    @classmethod
    def combine(cls, *verdicts: Verdict) -> Verdict:
        """Denied if any is denied, carrying every denying reason (never just the first)."""
        denied = [r for v in verdicts if not v.allowed for r in v.reasons]
        if denied:
            return cls(False, tuple(denied))
        return cls(True, tuple(r for v in verdicts for r in v.reasons))


class Denied(Exception):
    """Raised by a service when the terms refuse an action; the web layer shows every reason.

    `follow_up`: what the refusal itself leads to and must be kept although the refused change is rolled back
    (K9: the request for the insurance policy). Whoever catches the refusal runs it: the request's session after
    its rollback (then commits), a form page before it shows the refusal.
    """

    def __init__(self, verdict: Verdict, follow_up: Callable[[], Any] | None = None) -> None:
        self.verdict = verdict
        self.follow_up = follow_up
        super().__init__("; ".join(str(r) for r in verdict.reasons))
