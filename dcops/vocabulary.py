"""The words for dcops' states and kinds (the values of its enums), as shown on screen: `word(value)`.

Enum values are stored and sent by the API as they are ("in_progress"); people read them through the catalogue
("in progress", "bezig"). Every value is listed here so that the catalogue has it (a test checks every enum).
"""

from __future__ import annotations

from enum import Enum

from dcops.i18n import N_, gettext

WORDS = (
    # people and visits
    N_("passport"), N_("identity card"), N_("driving licence"),
    N_("requested"), N_("approved"), N_("denied"), N_("in progress"), N_("completed"), N_("cancelled"),
    N_("in"), N_("out"), N_("allow"), N_("deny"),
    N_("install"), N_("maintain"), N_("move"), N_("remove"), N_("other"),
    # users
    N_("admin"), N_("account manager"), N_("technician"), N_("security"),
    # cabling
    N_("copper"), N_("fibre"), N_("power"), N_("console"), N_("none"), N_("front"), N_("rear"),
    N_("planned"), N_("connected"), N_("removed"),
    N_("in rack"), N_("overhead"), N_("underfloor"), N_("between rooms"),
    # customers and contracts
    N_("business"), N_("consumer"), N_("draft"), N_("active"), N_("ended"),
    N_("third party access"), N_("room change"), N_("colocation"), N_("dedicated"),
    N_("supplier"), N_("customer"), N_("third party"), N_("letter"), N_("email"), N_("portal"),
    # imports
    N_("queued"), N_("running"), N_("done"), N_("failed"),
    # relocations
    N_("colocation move"), N_("dedicated reassignment"), N_("supplier action"), N_("customer request"),
    N_("consulted"), N_("scheduled"),
    # extra work
    N_("on request"), N_("necessary"), N_("agreed"), N_("usual"), N_("estimated"), N_("accepted"), N_("declined"),
    N_("withdrawn"), N_("phone"),
    # racks and hardware
    N_("shared"), N_("private"), N_("retired"), N_("installed"), N_("switch off"), N_("unmount"),
    # maintenance (R4): its expected impact, its states, where it is and what the customers are told
    N_("reduced"), N_("outage"), N_("announced"), N_("site"), N_("room"), N_("rack"), N_("hardware"), N_("changed"),
    # contacts and the outbox (dcops.notices)
    N_("billing"), N_("technical"), N_("access"), N_("waiting"), N_("sent"),
    N_("notice of default"), N_("move request"), N_("policy request"), N_("visit approved"), N_("visit refused"),
    N_("visit cancelled"), N_("pass reissued"),
    N_("maintenance announced"), N_("maintenance changed"), N_("maintenance cancelled"), N_("extra work estimate"),
)  # fmt: skip

# What records are called in messages such as "rack 12 does not exist" (dcops.crud.label: the table's name).
NOUNS = (
    N_("api token"), N_("audit event"), N_("breach"), N_("cable"), N_("cable end"), N_("carry out"), N_("contract"),
    N_("customer"), N_("default notice"), N_("document"), N_("door check"), N_("hand back"), N_("hardware"),
    N_("hardware type"), N_("import file"), N_("import job"), N_("inspection"), N_("insurance policy"),
    N_("invoice"), N_("lien"), N_("pass key"), N_("payment"), N_("person"), N_("policy request"), N_("port"),
    N_("port template"), N_("rack"), N_("rack unit"), N_("relocation"), N_("relocation item"), N_("room"),
    N_("site"), N_("user"), N_("user session"), N_("visit"), N_("visit pass"), N_("visit person"), N_("visit room"),
    N_("written permission"), N_("written permission room"), N_("page"), N_("item"), N_("intact document"),
    N_("notice"), N_("closure day"), N_("maintenance"), N_("maintenance change"), N_("maintenance customer"),
    N_("work order"), N_("time entry"), N_("customer rate"), N_("invoice line"), N_("customer contact"),
    N_("outbox message"), N_("outbox attachment"),
)  # fmt: skip


# What the audit log says was done (its `action`; dcops.audit): shown through `word`, stored as written.
ACTIONS = (
    N_("create"), N_("update"), N_("delete"), N_("payment"), N_("payment deleted"), N_("void acceptance"),
    N_("login"), N_("login failed"), N_("login throttled"), N_("end session"), N_("set password"),
    N_("create token"), N_("revoke token"), N_("rotate"), N_("pseudonymise"), N_("import"), N_("queue import"),
    N_("issue pass"), N_("door check in"), N_("door check out"), N_("carry out"), N_("mount"), N_("create ports"),
    N_("enqueue message"), N_("send message"), N_("retry message"), N_("message not delivered"),
    N_("affected customers"),
)  # fmt: skip


def word(value: object) -> str:
    """An enum value (or its text) as the reader's word: Role.account_manager -> "account manager"."""
    if value is None:
        return ""
    text = str(value.value if isinstance(value, Enum) else value).replace("_", " ")
    return gettext(text)
