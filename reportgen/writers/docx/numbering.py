"""numbering.xml: real Word list numbering, so bullets and numbers are lists, not typed marks.

Two abstract definitions (bullet; decimal "1." with bold accent numbers, as in the PDF);
every ordered list gets its own `w:num` with a start override, so each list restarts where
it says.
"""

from __future__ import annotations

from reportgen.writers.xmltext import quoteattr

BULLET_NUM_ID = 1  # the List Bullet style's numbering
NUMBER_NUM_ID = 2  # the List Number style's numbering
_ABSTRACT = {"bullet": 0, "decimal": 1}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class Numbering:
    """The document's list instances; `xml()` returns the numbering part."""

    def __init__(self, font: str, bullet_color: str) -> None:
        self._font = font
        self._color = bullet_color
        self._lists: list[tuple[int, int]] = []  # (abstract id, start) for num ids 3, 4, ...

    def new_list(self, ordered: bool, start: int = 1) -> int:
        """Return the num id for a new list; ordered lists get their own so they restart."""
        if not ordered:
            return BULLET_NUM_ID
        self._lists.append((_ABSTRACT["decimal"], max(0, start)))
        return 2 + len(self._lists)

    def xml(self) -> bytes:
        """Return numbering.xml: the abstract definitions, then every list instance."""
        parts = [
            "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
            f'<w:numbering xmlns:w="{_W}">',
            self._abstract(0, "bullet", ("\u2022", "\u2013"), 0),
            self._abstract(1, "decimal", ("%1.", "%2."), 1),
            f'<w:num w:numId="{BULLET_NUM_ID}"><w:abstractNumId w:val="0"/></w:num>',
            f'<w:num w:numId="{NUMBER_NUM_ID}"><w:abstractNumId w:val="1"/></w:num>',
        ]
        for index, (abstract, start) in enumerate(self._lists, start=3):
            parts.append(
                f'<w:num w:numId="{index}"><w:abstractNumId w:val="{abstract}"/>'
                f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                "</w:num>"
            )
        parts.append("</w:numbering>")
        return "".join(parts).encode("utf-8")

    def _abstract(self, ident: int, fmt: str, texts: tuple[str, str], kind: int) -> str:
        """Return one abstract numbering definition with two levels."""
        hanging = (227, 340)[kind]
        bold = "<w:b/><w:bCs/>" if kind else ""
        levels = []
        for ilvl, text in enumerate(texts):
            left = hanging + ilvl * 340
            marker = (
                f"<w:rPr><w:rFonts w:ascii={quoteattr(self._font)} w:hAnsi={quoteattr(self._font)}"
                f' w:cs={quoteattr(self._font)}/>{bold}<w:color w:val="{self._color}"/></w:rPr>'
            )
            levels.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{marker}</w:lvl>'
            )
        return (
            f'<w:abstractNum w:abstractNumId="{ident}"><w:multiLevelType w:val="hybridMultilevel"/>'
            + "".join(levels)
            + "</w:abstractNum>"
        )
