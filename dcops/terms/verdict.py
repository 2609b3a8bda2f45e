"""What every rule returns: allowed or not, with the reasons that name their rule and article."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Reason:
    rule: str
    article: str
    message: str

    def __str__(self) -> str:
        return f"Art. {self.article} (rule {self.rule}): {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "article": self.article, "message": self.message}


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
    """Raised by a service when the terms refuse an action; the web layer shows every reason."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        super().__init__("; ".join(str(r) for r in verdict.reasons))
