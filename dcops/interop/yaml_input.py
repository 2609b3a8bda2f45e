"""YAML from uploads and library checkouts, read safely and fast: libyaml's C loader where installed, and no
aliases (a few lines of nested aliases expand to gigabytes: the "billion laughs"); no device type or NetBox export
needs them."""

from __future__ import annotations

from typing import Any

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


class AliasRefused(yaml.YAMLError):
    def __init__(self, mark: Any) -> None:
        super().__init__("YAML aliases (*name) are not accepted here")
        self.problem, self.problem_mark = "aliases (*name) are not accepted here", mark


class NotAValue(yaml.YAMLError):
    """A scalar that reads as no value Python holds (30 February, a number of 5,000 digits), or nesting too deep."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.problem = str(error)


def load(text: str) -> Any:
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, yaml.AliasEvent):
                raise AliasRefused(event.start_mark)
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader
    except (ValueError, RecursionError) as exc:
        raise NotAValue(exc) from None
