"""XMP packets: the standard fields FluxDesk writes, and the few it reads back.

Written: ``dc:description`` (the prompt), ``xmp:CreatorTool`` ("FluxDesk <version>"),
``xmp:CreateDate`` and the IPTC AI label ``Iptc4xmpExt:DigitalSourceType`` =
trainedAlgorithmicMedia (the machine-readable mark for AI-generated images). A clean copy
carries the label alone.
"""

from __future__ import annotations

from typing import NamedTuple
from xml.sax.saxutils import escape

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
PNG_KEYWORD = "XML:com.adobe.xmp"

_NS_X = "adobe:ns:meta/"
_NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_NS_DC = "http://purl.org/dc/elements/1.1/"
_NS_XMP = "http://ns.adobe.com/xap/1.0/"
_NS_IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
# Readers may grow a packet in place into this padding (the XMP spec recommends 2–4 KB).
_PADDING = (" " * 99 + "\n") * 20


class XmpFields(NamedTuple):
    description: str | None = None
    creator_tool: str | None = None
    create_date: str | None = None
    ai_label: bool = True


class XmpRead(NamedTuple):
    description: str | None
    creator_tool: str | None
    digital_source_type: str | None


def build(fields: XmpFields) -> bytes:
    """A complete XMP packet (UTF-8), with padding, for a PNG iTXt or a JPEG APP1."""
    props: list[str] = []
    if fields.creator_tool is not None:
        props.append(f"   <xmp:CreatorTool>{_text(fields.creator_tool)}</xmp:CreatorTool>")
    if fields.create_date is not None:
        props.append(f"   <xmp:CreateDate>{_text(fields.create_date)}</xmp:CreateDate>")
    if fields.description is not None:
        props.append(
            "   <dc:description><rdf:Alt>"
            f'<rdf:li xml:lang="x-default">{_text(fields.description)}</rdf:li>'
            "</rdf:Alt></dc:description>"
        )
    if fields.ai_label:
        tag = "Iptc4xmpExt:DigitalSourceType"
        props.append(f"   <{tag}>{TRAINED_ALGORITHMIC_MEDIA}</{tag}>")
    body = "\n".join(props)
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="{_NS_X}">\n'
        f' <rdf:RDF xmlns:rdf="{_NS_RDF}">\n'
        '  <rdf:Description rdf:about=""\n'
        f'    xmlns:dc="{_NS_DC}"\n'
        f'    xmlns:xmp="{_NS_XMP}"\n'
        f'    xmlns:Iptc4xmpExt="{_NS_IPTC_EXT}">\n'
        f"{body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        f"{_PADDING}"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def _text(value: str) -> str:
    # XML 1.0 cannot carry most control characters even escaped: drop them.
    cleaned = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return escape(cleaned)


def parse(packet: bytes) -> XmpRead:
    """The description, creator tool and digital source type of a packet (None for any
    missing); ValueError for a packet that is not XML."""
    import xml.etree.ElementTree as ET

    text = packet.decode("utf-8", errors="replace")
    start = text.find("<x:xmpmeta")
    if start < 0:
        start = text.find("<rdf:RDF")
    end_tag = "</x:xmpmeta>" if text.startswith("<x:xmpmeta", start) else "</rdf:RDF>"
    end = text.find(end_tag, start)
    if start < 0 or end < 0:
        raise ValueError("XMP: no x:xmpmeta/rdf:RDF element")
    try:
        root = ET.fromstring(text[start : end + len(end_tag)])
    except ET.ParseError as exc:
        raise ValueError(f"XMP: not well-formed XML ({exc})") from None
    return XmpRead(
        description=_lang_alt(root, f"{{{_NS_DC}}}description"),
        creator_tool=_simple(root, f"{{{_NS_XMP}}}CreatorTool"),
        digital_source_type=_simple(root, f"{{{_NS_IPTC_EXT}}}DigitalSourceType"),
    )


def _simple(root: object, tag: str) -> str | None:
    import xml.etree.ElementTree as ET

    assert isinstance(root, ET.Element)
    for desc in root.iter(f"{{{_NS_RDF}}}Description"):
        attr = desc.get(tag)
        if attr is not None:
            return attr
        element = desc.find(tag)
        if element is not None:
            return (element.text or "").strip() or None
    return None


def _lang_alt(root: object, tag: str) -> str | None:
    import xml.etree.ElementTree as ET

    assert isinstance(root, ET.Element)
    element = next(root.iter(tag), None)
    if element is None:
        return None
    items = list(element.iter(f"{{{_NS_RDF}}}li"))
    if not items:
        return (element.text or "").strip() or None
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    chosen = next((li for li in items if li.get(lang) == "x-default"), items[0])
    return chosen.text or None
