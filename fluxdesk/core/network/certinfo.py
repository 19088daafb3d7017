"""Who issued a certificate, read from its DER bytes.

Enough of X.509 to name the issuer and subject in a message ("issued by Example Corp
TLS Inspection CA"): a certificate refused by TLS verification is only available as
bytes, and the ssl module decodes only verified ones. A small DER walk instead of a
dependency on ``cryptography`` (which the Windows and macOS bundles do not ship).
"""

from __future__ import annotations

from typing import Any, NamedTuple

_SEQUENCE = 0x30
_SET = 0x31
_OID = 0x06
_EXPLICIT_0 = 0xA0  # the optional [0] version of TBSCertificate

# 2.5.4.x attribute types, as their DER content bytes.
_ATTRIBUTES = {
    b"\x55\x04\x03": "CN",
    b"\x55\x04\x0a": "O",
    b"\x55\x04\x0b": "OU",
    b"\x55\x04\x06": "C",
}
_STRING_CODECS = {
    0x0C: "utf-8",  # UTF8String
    0x13: "ascii",  # PrintableString
    0x16: "ascii",  # IA5String
    0x14: "latin-1",  # TeletexString (in practice Latin-1)
    0x1E: "utf-16-be",  # BMPString
    0x1C: "utf-32-be",  # UniversalString
}


class CertNames(NamedTuple):
    """The issuer and subject of a certificate as (attribute, value) pairs, in order."""

    issuer: tuple[tuple[str, str], ...]
    subject: tuple[tuple[str, str], ...]

    @property
    def issuer_name(self) -> str:
        return display_name(self.issuer)

    @property
    def subject_name(self) -> str:
        return display_name(self.subject)


def display_name(pairs: tuple[tuple[str, str], ...]) -> str:
    """The name a person recognises: the common name, with the organisation when it adds one."""
    values = dict(pairs)
    cn, org = values.get("CN", ""), values.get("O", "")
    if cn and org and org not in cn:
        return f"{cn} ({org})"
    return cn or org or ", ".join(f"{k}={v}" for k, v in pairs) or "an unnamed issuer"


def _read(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at ``pos``."""
    if pos + 2 > len(data):
        raise ValueError("truncated DER")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if not 1 <= count <= 4 or pos + count > len(data):
            raise ValueError("bad DER length")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise ValueError("truncated DER")
    return tag, pos, pos + length


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    pos = start
    while pos < end:
        tag, cstart, cend = _read(data, pos)
        out.append((tag, cstart, cend))
        pos = cend
    return out


def _name(data: bytes, start: int, end: int) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for tag, rstart, rend in _children(data, start, end):
        if tag != _SET:
            raise ValueError("a Name holds SETs")
        for atag, astart, aend in _children(data, rstart, rend):
            if atag != _SEQUENCE:
                raise ValueError("an attribute is a SEQUENCE")
            parts = _children(data, astart, aend)
            if len(parts) != 2 or parts[0][0] != _OID:
                raise ValueError("an attribute is (OID, value)")
            oid = data[parts[0][1] : parts[0][2]]
            vtag, vstart, vend = parts[1]
            codec = _STRING_CODECS.get(vtag)
            label = _ATTRIBUTES.get(oid)
            if label and codec:
                pairs.append((label, data[vstart:vend].decode(codec, errors="replace")))
    return tuple(pairs)


def cert_names(der: bytes) -> CertNames:
    """Issuer and subject of a DER certificate; ValueError when it is not one."""
    tag, start, _end = _read(der, 0)
    if tag != _SEQUENCE:
        raise ValueError("not a certificate")
    tbs_tag, tbs_start, tbs_end = _read(der, start)
    if tbs_tag != _SEQUENCE:
        raise ValueError("not a certificate")
    fields = _children(der, tbs_start, tbs_end)
    if fields and fields[0][0] == _EXPLICIT_0:
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject
    if len(fields) < 5 or fields[2][0] != _SEQUENCE or fields[4][0] != _SEQUENCE:
        raise ValueError("not a certificate")
    return CertNames(
        issuer=_name(der, fields[2][1], fields[2][2]),
        subject=_name(der, fields[4][1], fields[4][2]),
    )


def issuer_of(der: bytes | None) -> str:
    """The issuer's display name, or "" when ``der`` cannot be read."""
    if not der:
        return ""
    try:
        return cert_names(der).issuer_name
    except (ValueError, IndexError):
        return ""


def issuer_from_peercert(cert: dict[str, object] | None) -> str:
    """The issuer's display name from ``SSLSocket.getpeercert()`` (a verified connection)."""
    if not cert:
        return ""
    pairs: list[tuple[str, str]] = []
    short = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU", "countryName": "C"}
    issuer: Any = cert.get("issuer", ())
    for rdn in issuer:
        for key, value in rdn:
            if key in short:
                pairs.append((short[key], str(value)))
    return display_name(tuple(pairs)) if pairs else ""
