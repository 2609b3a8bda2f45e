"""The visit pass credential: COSE_Sign1 (RFC 9052) signed with Ed25519, base45 text behind `DC1:`.

The shape is the EU Digital COVID Certificate's (minus its zlib step: a pass is too small to gain from
it, and not inflating untrusted input removes a whole class of bombs). The QR carries as little as
possible: pass id, validity window and room codes, signed under a key id. Names are printed beside it.

Claims use CWT's registered keys for the window (4 exp, 5 nbf) and private-use keys for the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import base45
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from dcops.i18n import _

PREFIX = "DC1:"
MAX_TEXT = 1024  # a pass is about 200 characters; anything far longer is not one and is not decoded
COSE_SIGN1_TAG = 18
ALG, KID, EDDSA = 1, 4, -8  # COSE header labels and the EdDSA algorithm id
EXP, NBF, PASS_ID, ROOMS = 4, 5, -70001, -70002


class PassUnreadable(Exception):
    """Not a valid pass: the message says why, for the door screen and the log."""


@dataclass(frozen=True)
class Claims:
    pass_id: int
    not_before: datetime
    expires: datetime
    rooms: tuple[str, ...]
    kid: bytes = b""


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def encode(claims: Claims, key: Ed25519PrivateKey, kid: bytes) -> str:
    protected = cbor2.dumps({ALG: EDDSA, KID: kid})
    payload = cbor2.dumps(
        {
            PASS_ID: claims.pass_id,
            NBF: int(claims.not_before.timestamp()),
            EXP: int(claims.expires.timestamp()),
            ROOMS: list(claims.rooms),
        }
    )
    signature = key.sign(_sig_structure(protected, payload))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return PREFIX + base45.b45encode(message).decode("ascii")


def decode(text: str, keys: Mapping[bytes, Ed25519PublicKey]) -> Claims:
    """The claims of a pass whose signature verifies under one of `keys`; PassUnreadable otherwise.
    The window is not checked here: the door checks it live, with the other rules."""
    text = text.strip("\r\n")
    if len(text) > MAX_TEXT:
        raise PassUnreadable(_("Not a dcops pass (far too long)"))
    if not text.startswith(PREFIX):
        raise PassUnreadable(_("Not a dcops pass (no DC1: prefix)"))
    try:
        raw = base45.b45decode(text[len(PREFIX) :])
        message = cbor2.loads(raw)
    except Exception as exc:  # base45 and cbor2 raise several types on garbage; all mean the same here
        raise PassUnreadable(_("The pass cannot be read (damaged or incomplete code)")) from exc
    protected, payload, signature = _sign1_parts(message)
    # Only the exact bytes dcops issues: the unprotected header and any trailing bytes are not signed, so a pass
    # whose encoding differs from what `encode` makes is an altered pass, even when its signature still holds.
    if cbor2.dumps(message) != raw:
        raise PassUnreadable(_("The pass is not encoded the way dcops issues passes: altered"))
    try:
        header = cbor2.loads(protected)
    except Exception as exc:
        raise PassUnreadable(_("The pass cannot be read (damaged header)")) from exc
    if not isinstance(header, Mapping) or header.get(ALG) != EDDSA or not isinstance(header.get(KID), bytes):
        raise PassUnreadable(_("The pass is not signed the way dcops signs passes"))
    kid = header[KID]
    key = keys.get(kid)
    if key is None:
        raise PassUnreadable(_("The pass is signed by an unknown key (%(key)s)", key=kid.hex()))
    try:
        key.verify(signature, _sig_structure(protected, payload))
    except InvalidSignature as exc:
        raise PassUnreadable(_("The pass signature is not valid: forged or altered")) from exc
    return _claims(payload, kid)


def _sign1_parts(message: object) -> tuple[bytes, bytes, bytes]:
    if not (isinstance(message, cbor2.CBORTag) and message.tag == COSE_SIGN1_TAG):
        raise PassUnreadable(_("The pass cannot be read (not a signed message)"))
    parts = message.value
    if not (
        isinstance(parts, list | tuple) and len(parts) == 4 and all(isinstance(parts[i], bytes) for i in (0, 2, 3))
    ):
        raise PassUnreadable(_("The pass cannot be read (malformed signed message)"))
    if parts[1] != {}:
        raise PassUnreadable(_("The pass carries unsigned headers dcops never writes: altered"))
    return parts[0], parts[2], parts[3]


def _claims(payload: bytes, kid: bytes) -> Claims:
    try:
        c = cbor2.loads(payload)
        rooms = c[ROOMS]
        if not (isinstance(rooms, list | tuple) and all(isinstance(r, str) for r in rooms)):
            raise TypeError("rooms")
        return Claims(
            pass_id=_int(c[PASS_ID]),
            not_before=datetime.fromtimestamp(_int(c[NBF]), UTC),
            expires=datetime.fromtimestamp(_int(c[EXP]), UTC),
            rooms=tuple(rooms),
            kid=kid,
        )
    except Exception as exc:  # a signed payload we cannot read is still not a pass we can honour
        raise PassUnreadable(_("The pass content cannot be read")) from exc


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("integer claim expected")
    return value


def verify(text: str, keys: Mapping[bytes, Ed25519PublicKey], now: datetime) -> Claims:
    """For offline verifiers: signature and window, nothing live."""
    claims = decode(text, keys)
    if now < claims.not_before:
        raise PassUnreadable(_("The pass is not valid before %(moment)s", moment=claims.not_before.isoformat()))
    if now > claims.expires:
        raise PassUnreadable(_("The pass expired at %(moment)s", moment=claims.expires.isoformat()))
    return claims
