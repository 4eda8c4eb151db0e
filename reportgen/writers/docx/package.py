"""The DOCX zip: fixed parts, per-document parts, written deterministically.

Members go in a fixed order, each with the same timestamp (1980-01-01, the zip epoch), the
same permissions and the same compression level, so one Document always gives the same
bytes. Parts that never change per theme are built once per process and cached.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache

from reportgen.errors import UsageError
from reportgen.model import Meta
from reportgen.writers.xmltext import escape

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_DECL = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_DML = "application/vnd.openxmlformats-officedocument.drawingml"
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

_OVERRIDES: tuple[tuple[str, str], ...] = (
    ("/word/document.xml", f"{_CT}.document.main+xml"),
    ("/word/styles.xml", f"{_CT}.styles+xml"),
    ("/word/numbering.xml", f"{_CT}.numbering+xml"),
    ("/word/settings.xml", f"{_CT}.settings+xml"),
    ("/word/webSettings.xml", f"{_CT}.webSettings+xml"),
    ("/word/fontTable.xml", f"{_CT}.fontTable+xml"),
    ("/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
    ("/word/header1.xml", f"{_CT}.header+xml"),
    ("/word/footer1.xml", f"{_CT}.footer+xml"),
    ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
    ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
)
# Relationship ids of the document part's fixed relationships (the visitor uses 7 and 8).
HEADER_RID = "rId7"
FOOTER_RID = "rId8"
_DOC_RELS: tuple[tuple[str, str, str], ...] = (
    ("rId1", "styles", "styles.xml"),
    ("rId2", "numbering", "numbering.xml"),
    ("rId3", "settings", "settings.xml"),
    ("rId4", "webSettings", "webSettings.xml"),
    ("rId5", "fontTable", "fontTable.xml"),
    ("rId6", "theme", "theme/theme1.xml"),
    (HEADER_RID, "header", "header1.xml"),
    (FOOTER_RID, "footer", "footer1.xml"),
)


def language_tag(language: str) -> str:
    """Return `language` if it is a plausible BCP 47 tag, else "en"."""
    return language if _LANG.match(language or "") else "en"


# Word keeps three languages per run: `w:val` for Latin text, `w:eastAsia` for CJK text and
# `w:bidi` for "complex script" text, which in Word's sense covers the Indic scripts as well
# as Arabic and Hebrew. Hindi text is therefore tagged through `w:bidi` (then Word proofs it
# with the Hindi tools and takes its font from `w:rFonts w:cs`).
COMPLEX_SCRIPT_LANGUAGES = frozenset(
    {"hi", "mr", "ne", "sa", "mai", "kok", "bn", "as", "ta", "te", "kn", "ml", "gu", "pa"}
    | {"or", "si", "ur", "ar", "fa", "ps", "sd", "he", "yi", "th", "lo", "km", "my", "dv"}
)
EAST_ASIAN_LANGUAGES = frozenset({"zh", "ja", "ko"})


def lang_attributes(language: str) -> dict[str, str]:
    """Return the `w:lang` attributes for text in `language` ({"w:bidi": "hi-IN"} ...)."""
    tag = language_tag(language)
    base = tag.split("-")[0].lower()
    if base in COMPLEX_SCRIPT_LANGUAGES:
        return {"w:bidi": tag}
    if base in EAST_ASIAN_LANGUAGES:
        return {"w:eastAsia": tag}
    return {"w:val": tag}


def document_lang_attributes(language: str) -> dict[str, str]:
    """Return the document default `w:lang`: its language in the right slot, English beside.

    A Hindi document keeps Latin text (names such as TRUST, URLs) as Indian English and its
    Devanagari as Hindi: `w:val="en-IN" w:bidi="hi-IN"`. An English one names Hindi as its
    complex-script language, for the Devanagari words it may quote.
    """
    tag = language_tag(language)
    attrs = {"w:val": tag, "w:bidi": "hi-IN"}
    own = lang_attributes(tag)
    if "w:val" not in own:
        region = tag.split("-")[1] if "-" in tag else ""
        attrs["w:val"] = f"en-{region}" if len(region) == 2 else "en-US"
    attrs.update(own)
    return attrs


def lang_xml_attributes(language: str) -> str:
    """Return the document default `w:lang` attributes as XML text (`w:val="..." ...`)."""
    attrs = document_lang_attributes(language)
    order = ("w:val", "w:eastAsia", "w:bidi")  # the schema's order of the attributes
    return " ".join(f'{k}="{attrs[k]}"' for k in order if k in attrs)


def content_types(charts: int = 0, media: Mapping[str, str] | None = None) -> bytes:
    """Return [Content_Types].xml for a document with `charts` chart parts.

    PNG, font and workbook parts are declared by extension even when absent; `media` maps
    the extensions of a reference document's pictures (jpeg, gif) to their content types.
    """
    extra = "".join(
        f'<Default Extension="{escape(ext)}" ContentType="{escape(ctype)}"/>'
        for ext, ctype in sorted((media or {}).items())
        if ext not in ("png", "xml", "rels", "odttf", "xlsx")
    )
    overrides = list(_OVERRIDES) + [
        (f"/word/charts/chart{n}.xml", f"{_DML}.chart+xml") for n in range(1, charts + 1)
    ]
    items = "".join(
        f'<Override PartName="{name}" ContentType="{ctype}"/>' for name, ctype in overrides
    )
    return (
        f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/><Default Extension="odttf" '
        'ContentType="application/vnd.openxmlformats-officedocument.obfuscatedFont"/>'
        '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet"/>'
        f"{extra}{items}</Types>"
    ).encode()


def package_rels() -> bytes:
    """Return _rels/.rels: the main document and the two property parts."""
    base = "http://schemas.openxmlformats.org"
    return (
        f'{_DECL}<Relationships xmlns="{_PKG_R}">'
        f'<Relationship Id="rId1" Type="{base}/officeDocument/2006/relationships/officeDocument"'
        ' Target="word/document.xml"/>'
        f'<Relationship Id="rId2" Type="{base}/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{base}/officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/></Relationships>'
    ).encode()


def document_rels(extra: str) -> bytes:
    """Return word/_rels/document.xml.rels: the fixed parts, then links and images."""
    fixed = "".join(
        f'<Relationship Id="{rid}" Type="{_R}/{kind}" Target="{target}"/>'
        for rid, kind, target in _DOC_RELS
    )
    return f'{_DECL}<Relationships xmlns="{_PKG_R}">{fixed}{extra}</Relationships>'.encode()


def settings(language: str, embed_fonts: bool = False) -> bytes:
    """Return settings.xml.

    No `updateFields`: it makes Word ask "update the fields?" on every open. Fields show
    their cached results, which the writer makes right (see fields.py). `embed_fonts` says
    the file carries its fonts (Word's "Embed fonts in the file"; see fontembed.py).
    """
    return (
        f'{_DECL}<w:settings xmlns:w="{_W}"><w:zoom w:percent="100"/>'
        + ("<w:embedTrueTypeFonts/>" if embed_fonts else "")
        + '<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode"'
        ' w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        f'<w:themeFontLang {lang_xml_attributes(language)}/><w:decimalSymbol w:val="."/>'
        '<w:listSeparator w:val=","/></w:settings>'
    ).encode()


def web_settings() -> bytes:
    """Return a minimal webSettings.xml."""
    return f'{_DECL}<w:webSettings xmlns:w="{_W}"/>'.encode()


def font_table(fonts: tuple[str, ...]) -> bytes:
    """Return fontTable.xml naming the fonts the document uses."""
    items = "".join(f'<w:font w:name="{escape(name)}"/>' for name in fonts)
    return f'{_DECL}<w:fonts xmlns:w="{_W}">{items}</w:fonts>'.encode()


@lru_cache(maxsize=1)
def theme_part() -> bytes:
    """Return theme1.xml from python-docx's default template (Word expects a theme part)."""
    import docx

    template = os.path.join(os.path.dirname(docx.__file__), "templates", "default.docx")
    with zipfile.ZipFile(template) as zf:
        return zf.read("word/theme/theme1.xml")


def app_properties() -> bytes:
    """Return docProps/app.xml naming reportgen as the producing application."""
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    app = "<Application>reportgen</Application>"
    return f'{_DECL}<Properties xmlns="{ns}">{app}</Properties>'.encode()


# The reproducible-builds.org variable: whole seconds since 1970, up to the year 9999.
MAX_EPOCH = 253402300799


def source_date_epoch() -> datetime | None:
    """Return SOURCE_DATE_EPOCH as a UTC time, None when unset; UsageError when malformed.

    The specification asks builds to fail on a malformed value rather than guess.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text[:20]) > MAX_EPOCH:
        shown = text[:40].encode("unicode_escape").decode("ascii")
        raise UsageError(
            f"SOURCE_DATE_EPOCH={shown!r} is not a Unix time: it must be whole seconds since"
            " 1970-01-01 UTC (such as 1700000000), or unset"
        )
    return datetime.fromtimestamp(int(text), tz=UTC)


def pinned_timestamp(meta: Meta) -> str:
    """Return the W3CDTF timestamp for created/modified: SOURCE_DATE_EPOCH, else meta.date_iso.

    Falls back to the zip epoch so that output never depends on the clock.
    """
    moment = source_date_epoch()
    if moment is not None:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return date.fromisoformat(meta.date_iso).strftime("%Y-%m-%dT00:00:00Z")
    except ValueError:
        return "1980-01-01T00:00:00Z"


def core_properties(meta: Meta, clean: Callable[[str], str]) -> bytes:
    """Return docProps/core.xml: title, subject, authors, keywords, language, pinned dates.

    `clean` removes the characters XML cannot hold.
    """

    def tag(name: str, value: str) -> str:
        return f"<{name}>{escape(clean(value))}</{name}>" if value else ""

    stamp = pinned_timestamp(meta)
    return (
        f'{_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + tag("dc:title", meta.title)
        + tag("dc:subject", meta.subject)
        + tag("dc:creator", "; ".join(meta.authors) or meta.organisation)
        + tag("cp:keywords", ", ".join(meta.keywords))
        + tag("dc:language", language_tag(meta.language))
        + "<cp:lastModifiedBy>reportgen</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        + f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        + f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        + "</cp:coreProperties>"
    ).encode()


def write_zip(members: list[tuple[str, bytes]]) -> bytes:
    """Return the zip of `members` in the given order, with fixed dates and modes.

    A small writer of our own rather than `zipfile`: it always writes the same headers
    (DOS date 1980-01-01, mode 0644, no extra fields), and it can reuse the deflated bytes
    of parts that are the same in every document (theme, styles, content types), which
    saves most of the compression time of a brief. PNG and workbook members are stored, XML deflated
    at level 6.
    """
    out = bytearray()
    central = bytearray()
    for name, data in members:
        raw = name.encode("ascii")
        shared = name in _SHARED or name.startswith("word/fonts/")
        method, crc, packed = _packed(data, name.endswith((".png", ".xlsx")), shared)
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, _DOS_DATE, crc, len(packed),
            len(data), len(raw), 0,
        )  # fmt: skip
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, 0, method, 0, _DOS_DATE, crc,
            len(packed), len(data), len(raw), 0, 0, 0, 0, 0o100644 << 16, len(out),
        ) + raw  # fmt: skip
        out += header + raw + packed
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0
    )
    return bytes(out + central + end)


_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01; the DOS time field is 0 (midnight)
_PACKED: dict[bytes, tuple[int, int, bytes]] = {}


# Parts whose bytes repeat from brief to brief (per theme and language).
_SHARED = frozenset(
    {
        "[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "word/styles.xml",
        "word/settings.xml", "word/webSettings.xml", "word/fontTable.xml",
        "word/theme/theme1.xml",
    }
)  # fmt: skip


def _packed(data: bytes, stored: bool, shared: bool) -> tuple[int, int, bytes]:
    """Return (method, CRC-32, bytes as stored) of a member, reusing deflates of shared parts."""
    if stored:
        return 0, zlib.crc32(data), data
    cached = _PACKED.get(data)
    if cached is not None:
        return cached
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    result = (8, zlib.crc32(data), deflater.compress(data) + deflater.flush())
    if shared:
        if len(_PACKED) >= 64:
            _PACKED.clear()
        _PACKED[data] = result
    return result
