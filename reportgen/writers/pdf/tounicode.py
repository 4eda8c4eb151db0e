"""Extractable, reproducible text for shaped Devanagari.

HarfBuzz turns Devanagari into glyphs, and conjuncts or vowel-sign variants have no Unicode
value of their own; reportlab numbers each such glyph with a private-use code in order of
first sight in the process, and writes that code into the PDF's ToUnicode map. So text
extraction gave private-use characters, and the bytes of a PDF depended on what the process
had rendered before (a -j N build differed from -j 1). Here each such glyph maps instead to
the source text it was shaped from, recorded per document, so the map is a function of the
document alone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from reportlab.pdfbase import pdfmetrics, ttfonts

_PRIVATE = range(0xE000, 0xF900)
_REPLACEMENT = "\ufffd"
_ZERO_WIDTH = "\u200b"  # for a second private glyph of one cluster: its text went to the first

# (font face name, private code) -> source text, for the document being rendered
_document_map: ContextVar[dict[tuple[str, int], str] | None] = ContextVar(
    "reportgen_pdf_tounicode", default=None
)
_shaped_faces: set[str] = set()
# The same, for the whole process: glyphs shaped outside a document's render (chart labels
# are shaped when the drawing is built, and a drawing may be reused) still map to their text.
_process_map: dict[tuple[str, int], str] = {}
# glyph string of a shaped word -> the text it was shaped from, for the document being rendered
_document_sources: ContextVar[dict[str, str] | None] = ContextVar(
    "reportgen_pdf_shaped_sources", default=None
)
# The same for the process, for runs shaped outside a render (chart labels of a drawing
# that is reused). Bounded: it is emptied when full, and a run it forgot falls back to its
# glyphs' ToUnicode text.
_process_sources: dict[str, str] = {}
_PROCESS_SOURCES_MAX = 50_000


@contextlib.contextmanager
def document_text_map() -> Iterator[None]:
    """Collect the text of shaped glyphs for one document while the block runs."""
    token = _document_map.set({})
    sources = _document_sources.set({})
    try:
        yield
    finally:
        _document_sources.reset(sources)
        _document_map.reset(token)


def _face_name(font_name: str) -> str:
    """Return the PostScript face name of a registered font (as the PDF's BaseFont has it)."""
    face = pdfmetrics.getFont(font_name).face
    name = face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


def record_shaped_word(word: list[Any], shaped: list[Any]) -> None:
    """Record, for each private-use glyph of `shaped`, the text of `word` it stands for.

    Then give each cluster whose glyphs, read in drawing order, do not spell its text (a
    vowel sign drawn before its consonant: "ति" drawn ि, त) codes of its own: the first
    glyph maps to the cluster's whole text and the others to nothing, so readers that know
    no /ActualText (pdfminer) still read the word in logical order. `shaped` is changed in
    place (the same glyphs and positions, other codes).
    """
    mapping = _document_map.get()
    if mapping is None:
        mapping = {}  # not in a document: the process map below still learns the glyphs
    text = "".join(str(s) for f, s in word[1:] if not hasattr(f, "cbDefn"))
    glyphs: list[tuple[str, int, str]] = []  # (glyph char, cluster, face)
    for item in shaped[1:]:
        if len(item) != 2 or not isinstance(item[1], ttfonts.ShapedStr):
            continue
        frag, chars = item
        data = getattr(chars, "__shapeData__", None) or []
        face = _face_name(frag.fontName)
        glyphs += [(ch, d.cluster, face) for ch, d in zip(chars, data, strict=False)]
    _map_private_glyphs(text, glyphs, mapping)
    _logical_clusters(text, shaped, mapping)
    _record_sources(text, shaped)


def _cluster_ends(text: str, clusters: list[int]) -> dict[int, int]:
    """Return {cluster start: its end in `text`} for the clusters of a shaped word."""
    starts = sorted(set(clusters))
    return {s: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, s in enumerate(starts)}


def _map_private_glyphs(
    text: str, glyphs: list[tuple[str, int, str]], mapping: dict[tuple[str, int], str]
) -> None:
    """Map each private-use glyph to the text of its cluster no real-coded glyph draws."""
    starts = sorted({cluster for _, cluster, _ in glyphs})
    ends = {s: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, s in enumerate(starts)}
    for start in starts:
        members = [(ch, face) for ch, cluster, face in glyphs if cluster == start]
        remainder = list(text[start : ends[start]])
        for ch, _face in members:  # text drawn by glyphs with a real code is not repeated
            if ord(ch) not in _PRIVATE and ch in remainder:
                remainder.remove(ch)
        first = True
        for ch, face in members:
            if ord(ch) in _PRIVATE:
                _shaped_faces.add(face)
                value = "".join(remainder) if first and remainder else _ZERO_WIDTH
                mapping.setdefault((face, ord(ch)), value)
                _process_map.setdefault((face, ord(ch)), value)
                first = False


def _glyph_text(face: str, ch: str, mapping: dict[tuple[str, int], str]) -> str:
    """Return the text a glyph's code gives through the ToUnicode map."""
    if ord(ch) not in _PRIVATE:
        return ch
    found = mapping.get((face, ord(ch)))
    return found if found is not None else _process_map.get((face, ord(ch)), _REPLACEMENT)


def _logical_clusters(text: str, shaped: list[Any], mapping: dict[tuple[str, int], str]) -> None:
    """Recode the glyphs of each cluster that would read out of order (see record_shaped_word)."""
    runs = [
        (index, item[0], item[1])
        for index, item in enumerate(shaped)
        if index and len(item) == 2 and isinstance(item[1], ttfonts.ShapedStr)
    ]
    clusters = [d.cluster for _, _, chars in runs for d in chars.__shapeData__]
    ends = _cluster_ends(text, clusters)
    for index, frag, chars in runs:
        data = chars.__shapeData__
        face = _face_name(frag.fontName)
        codes = list(str(chars))
        changed = False
        for start in sorted({d.cluster for d in data}):
            where = [i for i, d in enumerate(data) if d.cluster == start and i < len(codes)]
            want = text[start : ends[start]]
            if "".join(_glyph_text(face, codes[i], mapping) for i in where) == want:
                continue
            for k, i in enumerate(where):
                value = want if k == 0 else ""
                code = _cluster_code(frag.fontName, codes[i], value)
                if code is None:
                    break
                mapping[(face, code)] = value
                _process_map.setdefault((face, code), value)
                _shaped_faces.add(face)
                codes[i] = chr(code)
                changed = True
        if changed:
            shaped[index] = (frag, ttfonts.ShapedStr("".join(codes), shapeData=data))


def _cluster_code(font_name: str, ch: str, value: str) -> int | None:
    """Return a private code drawing the glyph of `ch` whose text is `value` (None: no room)."""
    font = pdfmetrics.getFont(font_name)
    gid = font.face.charToGlyph.get(ord(ch))
    add = getattr(font, "hbAddPrivate", None)
    if gid is None or add is None:
        return None
    try:
        return int(add(f"reportgen-cluster:{gid}:{value}", gid, 0))
    except AssertionError:  # reportlab's private range is full
        return None


def _record_sources(text: str, shaped: list[Any]) -> None:
    """Record the source text of each shaped run of a word (for its /ActualText)."""
    sources = _document_sources.get()
    if len(_process_sources) > _PROCESS_SOURCES_MAX:
        _process_sources.clear()
    runs = [
        (chars, min((d.cluster for d in chars.__shapeData__), default=0))
        for item in shaped[1:]
        if len(item) == 2 and isinstance(chars := item[1], ttfonts.ShapedStr)
    ]
    for i, (chars, start) in enumerate(runs):
        end = runs[i + 1][1] if i + 1 < len(runs) else len(text)
        if sources is not None:
            sources.setdefault(str(chars), text[start:end])
        _process_sources.setdefault(str(chars), text[start:end])


def shaped_source_text(glyphs: str) -> str:
    """Return the text a run of shaped glyphs was shaped from.

    Falls back to the glyphs' own text (their ToUnicode values) for a run never recorded.
    """
    sources = _document_sources.get() or {}
    found = sources.get(glyphs) or _process_sources.get(glyphs)
    if found is not None:
        return found
    mapping = _document_map.get() or {}
    out = []
    for ch in glyphs:
        if ord(ch) in _PRIVATE:
            texts = [v for (_f, code), v in mapping.items() if code == ord(ch)]
            texts = texts or [v for (_f, code), v in _process_map.items() if code == ord(ch)]
            out.extend(texts[:1])
        else:
            out.append(ch)
    return "".join(out).replace(_ZERO_WIDTH, "")


def _unicode_hex(text: str) -> str:
    """Return `text` as the UTF-16BE hex a ToUnicode map holds."""
    return text.encode("utf-16-be").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """Return the ToUnicode CMap of a font subset, private codes of shaped fonts as text.

    Fonts that were never shaped get reportlab's own map, unchanged.
    """
    face = fontname.split("+", 1)[-1]
    if face not in _shaped_faces:
        return _original_cmap(fontname, subset)
    mapping = _document_map.get() or {}
    lines = []
    for index, code in enumerate(subset):
        if code in _PRIVATE:
            text = mapping.get((face, code))
            if text is None:
                text = _process_map.get((face, code), _REPLACEMENT)
        else:
            text = chr(code)
        lines.append(f"<{index:02X}> <{_unicode_hex(text)}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *lines,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


_original_cmap = ttfonts.makeToUnicodeCMap


def install_tounicode_map() -> None:
    """Make reportlab write ToUnicode maps through `_to_unicode_cmap` (once)."""
    if ttfonts.makeToUnicodeCMap is not _to_unicode_cmap:
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
