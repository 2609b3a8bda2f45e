"""The pass as a QR: alphanumeric mode (base45 is exactly QR's alphanumeric set), error correction Q."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q

MAX_VERSION = 13  # about 67 mm of modules at 1 mm: still fits the ID-1 card beside the name


def _qr(text: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4)
    qr.add_data(qrcode.util.QRData(text.encode("ascii"), mode=qrcode.util.MODE_ALPHA_NUM))
    qr.make(fit=True)
    if qr.version > MAX_VERSION:
        raise ValueError(f"The pass needs QR version {qr.version}; at most {MAX_VERSION} is allowed")
    return qr


def version(text: str) -> int:
    return _qr(text).version


def png(text: str, box: int = 8) -> bytes:
    qr = _qr(text)
    qr.box_size = box
    out = io.BytesIO()
    qr.make_image().save(out, format="PNG")
    return out.getvalue()


def svg(text: str) -> bytes:
    """Scalable, so print CSS sets its size in millimetres."""
    return _qr(text).make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode").encode()
