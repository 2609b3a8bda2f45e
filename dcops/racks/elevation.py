"""Rack elevations as server-rendered SVG: one face, bottom-up, each device with owner and ownership."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from xml.sax.saxutils import escape, quoteattr

from dcops.i18n import _
from dcops.racks import units
from dcops.racks.models import Face, Hardware, Rack
from dcops.terms import Owner
from dcops.vocabulary import word

UNIT_PX = 44  # a free unit is a tap target on the tablet: 44 px at least (WCAG 2.5.5), also with gloves
MIDDLE_PX = UNIT_PX // 2 + 4  # the baseline of one line of text centred in a unit
LABEL_PX = 34
WIDTH_PX = 300
TOP_PX = 26


def _fill(hw: Hardware) -> str:
    if hw.contract is None:
        return "#cfd8dc"  # supplier infrastructure
    return "#ffcc80" if hw.owner is Owner.supplier else "#90caf9"  # the customer provides it (K1), owned or leased


def _ownership(hw: Hardware) -> str:
    """ "Customer · customer (K1)": who it is for and who owns it, short enough for a 2U block."""
    owner, reason = hw.ownership
    if hw.contract is None:
        return _("supplier infrastructure")
    who = hw.contract.customer.name
    who = who if len(who) <= 24 else who[:23].rstrip() + "…"
    return f"{who} · {word(owner)} ({reason.rule if reason else '-'})"


def render(
    rack: Rack,
    hardware: Sequence[Hardware],
    face: Face,
    *,
    can_mount: bool = False,
    liened: Collection[int] = (),
    moving: Collection[int] = (),
) -> str:
    """SVG for one face. `hardware` is what is mounted in the rack (either face; filtered here).
    Hardware of customers in `liened` is marked LIEN: it may not leave (K10)."""
    height = TOP_PX + rack.u_height * UNIT_PX + 4
    x0, w = LABEL_PX, WIDTH_PX - LABEL_PX - 4

    def y_of(unit: int) -> int:  # top edge of a unit, U1 at the bottom
        return TOP_PX + (rack.u_height - unit) * UNIT_PX

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="elevation" role="group" viewBox="0 0 {WIDTH_PX} {height}" '
        f'width="{WIDTH_PX}" height="{height}" aria-label={quoteattr(f"{rack.name} {word(face)}")}>',
        f'<text x="{WIDTH_PX // 2}" y="17" text-anchor="middle" class="el-title">{escape(rack.name)} · '
        f"{escape(word(face))}</text>",
        f'<rect x="{x0}" y="{TOP_PX}" width="{w}" height="{rack.u_height * UNIT_PX}" class="el-frame"/>',
    ]
    lien, move, mount_here = escape(_("LIEN")), escape(_("MOVE")), escape(_("+ mount here"))
    taken: set[int] = set()
    for hw in hardware:
        if hw.position is None or face not in units.faces(hw.face or Face.front, hw.full_depth):
            continue
        taken.update(units.span(hw.position, hw.u_height))
        top = y_of(hw.position + hw.u_height - 1)
        h = hw.u_height * UNIT_PX
        name_y = top + (20 if hw.u_height > 1 else MIDDLE_PX)
        title = f"{hw.name} ({hw.asset_tag}) U{hw.position}" + (f"–U{hw.top_unit}" if hw.u_height > 1 else "")
        retained = hw.retained(liened)
        if retained:
            title += " — " + _("retained under a lien (Art. 12.9, rule K10)")
        if hw.id in moving:
            title += " — " + _("a move is planned (relocation order)")
        stroke = ' stroke="#c62828" stroke-width="3"' if retained else ""
        out.append(
            f'<a href="/hardware/{hw.id}"><g class="el-device">'
            f"<title>{escape(title)} — {escape(_ownership(hw))}</title>"
            f'<rect x="{x0 + 1}" y="{top + 1}" width="{w - 2}" height="{h - 2}" rx="3" fill="{_fill(hw)}"{stroke}/>'
            f'<text x="{x0 + 8}" y="{name_y}" class="el-name">{escape(hw.name)}</text>'
        )
        if retained:
            out.append(f'<text x="{x0 + w - 8}" y="{name_y}" text-anchor="end" class="el-lien">{lien}</text>')
        elif hw.id in moving:
            out.append(f'<text x="{x0 + w - 8}" y="{name_y}" text-anchor="end" class="el-move">{move}</text>')
        if h >= 2 * UNIT_PX or (hw.u_height == 1 and not retained and hw.id not in moving):
            sub_y = top + 38 if h >= 2 * UNIT_PX else name_y
            sub_x = x0 + 8 if h >= 2 * UNIT_PX else x0 + w - 8
            anchor = "start" if h >= 2 * UNIT_PX else "end"
            out.append(
                f'<text x="{sub_x}" y="{sub_y}" text-anchor="{anchor}" class="el-owner">'
                f"{escape(_ownership(hw) if h >= 2 * UNIT_PX else word(hw.owner))}</text>"
            )
        out.append("</g></a>")
    for u in range(1, rack.u_height + 1):
        y = y_of(u)
        out.append(f'<text x="{LABEL_PX - 6}" y="{y + MIDDLE_PX}" text-anchor="end" class="el-u">{u}</text>')
        if u not in taken:
            free = escape(_("U%(u)s free", u=u))
            rect = (
                f'<rect x="{x0 + 1}" y="{y}" width="{w - 2}" height="{UNIT_PX}" class="el-free">'
                f"<title>{free}</title></rect>"
            )
            if can_mount:
                label = quoteattr(_("mount at U%(u)s", u=u))
                out.append(
                    f'<a href="/racks/{rack.id}/mount?position={u}&amp;face={face.value}" '
                    f'class="el-mount" aria-label={label}>{rect}'
                    f'<text x="{x0 + w // 2}" y="{y + MIDDLE_PX}" text-anchor="middle" class="el-plus">'
                    f"{mount_here}</text></a>"
                )
            else:
                out.append(rect)
    out.append("</svg>")
    return "".join(out)
