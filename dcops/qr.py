"""QR codes: visit passes in alphanumeric mode (base45 is exactly QR's alphanumeric set) at error
correction Q and at most version 13; labels' URLs in whatever mode suits them."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the library (and its imaging library, for PNG) loads with the first code drawn: a worker that
    import qrcode  # draws none, like most, keeps its 4 MB

MAX_VERSION = 13  # about 67 mm of modules at 1 mm: still fits the ID-1 card beside the name


def _qr(text: str, alphanumeric: bool = True) -> qrcode.QRCode:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_Q

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4 if alphanumeric else 2)
    if alphanumeric:
        qr.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    else:
        qr.add_data(text)
    qr.make(fit=True)
    if qr.version > MAX_VERSION:
        raise ValueError(f"The pass needs QR version {qr.version}; at most {MAX_VERSION} is allowed")
    return qr


def version(text: str) -> int:
    return _qr(text).version


def png(text: str, box: int = 8, alphanumeric: bool = True) -> bytes:
    qr = _qr(text, alphanumeric)
    qr.box_size = box
    out = io.BytesIO()
    qr.make_image().save(out, format="PNG")
    return out.getvalue()


def svg(text: str, alphanumeric: bool = True) -> bytes:
    """Scalable, so print CSS sets its size in millimetres."""
    import qrcode.image.svg

    image = _qr(text, alphanumeric).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode").encode()
