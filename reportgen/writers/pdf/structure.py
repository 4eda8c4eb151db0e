"""The PDF's logical structure while it is built: structure elements in reading order.

The visitor creates one element per model node as it walks the document (Document > H1, P,
L > LI > Lbl + LBody, Table > THead/TBody > TR > TH/TD, Figure, Caption, Sect ...), so the
tree's order is the model's order whatever the page layout does. Drawing then hangs content
on the elements: marked-content references (page, MCID) and object references (link
annotations). Inline elements (Link, Reference, Span) join their parent when first drawn,
so they sit between the parent's text runs in the order they were drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MarkedContentRef:
    """A marked-content sequence of a page: the page number (1-based) and its MCID."""

    page: int
    mcid: int


@dataclass(frozen=True)
class AnnotationRef:
    """A link annotation of a page, by the name reportlab registered it under."""

    page: int
    name: str


class StructElem:
    """One structure element: its standard role, attributes, and kids in reading order."""

    __slots__ = (
        "actual_text",
        "alt",
        "attributes",
        "elem_id",
        "kids",
        "lang",
        "parent",
        "placed",
        "role",
    )

    def __init__(
        self,
        role: str,
        parent: StructElem | None = None,
        *,
        alt: str | None = None,
        lang: str | None = None,
        elem_id: str | None = None,
        attributes: dict[str, Any] | None = None,
        attach: bool = True,
    ) -> None:
        """Make an element of `role`; appended to `parent`'s kids unless `attach` is False."""
        self.role = role
        self.parent = parent
        self.kids: list[StructElem | MarkedContentRef | AnnotationRef] = []
        self.alt = alt
        self.actual_text: str | None = None
        self.lang = lang
        self.elem_id = elem_id
        self.attributes = attributes or {}
        self.placed = parent is None or attach
        if parent is not None and attach:
            parent.kids.append(self)

    def __copy__(self) -> StructElem:
        """Return this element: a copied flowable still marks the one element of the tree."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> StructElem:
        """Return this element (reportlab deep-copies content for trial layouts, as in
        balanced columns; copying the element would copy the whole tree through `parent`)."""
        return self

    def child(self, role: str, **kw: Any) -> StructElem:
        """Return a new element of `role` appended to this one's kids."""
        return StructElem(role, self, **kw)

    def inline(self, role: str, **kw: Any) -> StructElem:
        """Return a new element of `role` whose place among the kids is set when first drawn."""
        return StructElem(role, self, attach=False, **kw)

    def place(self) -> None:
        """Append this element (and unplaced ancestors) to their parents' kids, once."""
        elem: StructElem | None = self
        while elem is not None and elem.parent is not None:
            if not elem.placed:
                elem.parent.kids.append(elem)
                elem.placed = True
            elem = elem.parent

    def walk(self) -> list[StructElem]:
        """Return this element and all elements below it, in reading order."""
        out = [self]
        for kid in self.kids:
            if isinstance(kid, StructElem):
                out += kid.walk()
        return out

    def has_content(self) -> bool:
        """Return True when this element or one below it holds drawn content or a link."""
        return any(not isinstance(kid, StructElem) or kid.has_content() for kid in self.kids)

    def __repr__(self) -> str:
        return f"StructElem({self.role!r}, kids={len(self.kids)})"


def heading_role(level: int, previous: int) -> tuple[str, int]:
    """Return the heading role for a model `level` after a heading at `previous` (0: none).

    Levels never skip (PDF/UA 7.4.2): an H3 after an H1 becomes an H2. Returns the role and
    the level used.
    """
    used = max(1, min(level, previous + 1))
    return f"H{used}", used
