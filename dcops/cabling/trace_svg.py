"""A trace drawn NetBox-style: each port's hardware as a box (rack and unit, port), the cables between
them with label, colour and type; a patch panel's pass-through as a dashed link."""

from __future__ import annotations

from xml.sax.saxutils import escape

from dcops.cabling.service import Hop
from dcops.i18n import _

W, BOX, GAP = 360, 54, 58
QUOTE = {'"': "&quot;"}  # escape() for an attribute's value
COLOURS = {
    "red": "#c62828",
    "blue": "#1565c0",
    "green": "#2e7d32",
    "yellow": "#f9a825",
    "orange": "#ef6c00",
    "black": "#263238",
    "white": "#b0bec5",
    "grey": "#78909c",
    "gray": "#78909c",
    "purple": "#6a1b9a",
    "aqua": "#00acc1",
    "pink": "#d81b60",
}


def render(hops: list[Hop]) -> str:
    height = len(hops) * (BOX + GAP) - GAP + 20
    title, passing = escape(_("Cable trace"), QUOTE), escape(_("pass-through"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trace" viewBox="0 0 {W} {height}" width="{W}" '
        f'height="{height}" role="img" aria-label="{title}">'
    ]
    for i, hop in enumerate(hops):
        y = 10 + i * (BOX + GAP)
        hw, rack = hop.port.hardware, hop.port.hardware.rack
        where = f"{rack.room.code} / {rack.name} U{hw.position}" if rack else _("not in a rack")
        port = _("port %(name)s", name=hop.port.name)
        parts.append(
            f'<g class="tr-hop"><a href="/hardware/{hw.id}"><rect x="40" y="{y}" width="{W - 80}" height="{BOX}" '
            f'rx="6" fill="#eef2f5" stroke="#455a64"/>'
            f'<text x="{W / 2}" y="{y + 20}" text-anchor="middle" class="tr-name">{escape(hw.name)}</text>'
            f'<text x="{W / 2}" y="{y + 36}" text-anchor="middle" class="tr-where">{escape(where)}</text>'
            f'<text x="{W / 2}" y="{y + 49}" text-anchor="middle" class="tr-port">{escape(port)}</text>'
            f"</a></g>"
        )
        if i + 1 < len(hops):
            y1, y2 = y + BOX, y + BOX + GAP
            if hop.cable is not None:
                c = hop.cable
                colour = COLOURS.get((c.colour or "").lower(), "#455a64")
                text = " · ".join(x for x in (c.label, c.colour, c.type) if x)
                parts.append(
                    f'<a href="/cables/{c.id}"><line x1="{W / 2}" y1="{y1}" x2="{W / 2}" y2="{y2}" stroke="{colour}" '
                    f'stroke-width="5"/><text x="{W / 2 + 10}" y="{(y1 + y2) / 2 + 4}" class="tr-cable">'
                    f"{escape(text)}</text></a>"
                )
            else:
                parts.append(
                    f'<line x1="{W / 2}" y1="{y1}" x2="{W / 2}" y2="{y2}" stroke="#90a4ae" stroke-width="2" '
                    f'stroke-dasharray="4 4"/><text x="{W / 2 + 10}" y="{(y1 + y2) / 2 + 4}" class="tr-pass">'
                    f"{passing}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)
