"""A refusal on a technician's page links to what resolves it: the hardware holding the wanted units, the cable
on a taken port, the relocation order K8 asks for, the customer whose insurance (K9) or lien (K10) stands in the
way. Pages pass `hardware_fixes` or their own function to `dcops.web.forms.submit(fixes=...)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from dcops.auth.permissions import Perm, allows
from dcops.i18n import _
from dcops.terms import Denied


@dataclass(frozen=True)
class Fix:
    text: str
    url: str


def _may(request: Any, perm: Perm) -> bool:
    user = request.scope.get("user")
    return user is not None and allows(user.role, perm)


def relocation_fix(request: Any, hw: Any) -> Fix:
    """K8: the customer's colocation hardware changes rack only on a basis. A planner starts a relocation order
    for it; a technician records the move as a supplier action or the customer's request (a one-step order)."""
    if _may(request, Perm.customers_write):
        query = {"hardware_id": hw.id, **({"customer_id": hw.contract.customer_id} if hw.contract else {})}
        return Fix(_("Plan a relocation order for %(name)s", name=hw.name), f"/relocations/new?{urlencode(query)}")
    return Fix(_("Move %(name)s with its basis (K8)", name=hw.name), f"/hardware/{hw.id}/move")


def hardware_fixes(request: Any, hw: Any, exc: Exception) -> list[Fix]:
    """What resolves a refused mount, move or unmount of `hw`."""
    from dcops.racks.service import UnitsTaken

    found: list[Fix] = []
    if isinstance(exc, UnitsTaken):
        found += [Fix(_("Open %(name)s, which is there", name=name), f"/hardware/{hid}") for hid, name in exc.occupants]
    if isinstance(exc, Denied):
        customer = hw.contract.customer if hw.contract is not None else None
        for rule in dict.fromkeys(r.rule for r in exc.verdict.reasons):
            if rule == "K8" or (rule == "K5" and _may(request, Perm.customers_write)):
                found.append(relocation_fix(request, hw))  # K5: the customer moves it, on an order's request
            elif rule in ("K9", "K10") and customer is not None:
                if rule == "K9":
                    text = _("Open %(customer)s: its insurance policy (K9)", customer=customer.name)
                else:
                    text = _("Open %(customer)s: its lien (K10)", customer=customer.name)
                found.append(Fix(text, f"/customers/{customer.id}"))
            elif rule == "K1":
                found.append(Fix(_("Open %(name)s to mount it where it may go", name=hw.name), f"/hardware/{hw.id}"))
    return found
