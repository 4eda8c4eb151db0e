"""Our own tagged-PDF checker, built on pikepdf (veraPDF, in Java, is not installable here).

`untagged_operators` walks every page's content stream and counts painting operators that
sit neither in a tagged sequence (one with an MCID) nor in an artifact (Matterhorn 7.1-3);
`struct_tree` reads the structure tree back as plain nodes (role, attributes, how many
marked-content sequences each owns, link annotations), so tests can compare it with the
document model; poppler's `pdfinfo -struct-text` gives each element's text.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

# Operators that put marks on the page: text showing, painting paths, XObjects, shadings,
# inline images.
PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "BI"}
TEXT = {"Tj", "TJ", "'", '"'}


def untagged_operators(data: bytes) -> list[tuple[int, str]]:
    """Return (page, operator) for each painting operator outside tags and artifacts.

    Also returns nesting faults as (page, "nested: ...") entries: a tagged sequence inside
    an artifact, an artifact inside a tagged sequence, or an MCID inside another MCID.
    """
    out: list[tuple[int, str]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            stack: list[str] = []  # "mcid", "artifact" or "other" per open sequence
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op in ("BDC", "BMC"):
                    kind = _kind(operands, op)
                    if kind == "mcid" and ("artifact" in stack or "mcid" in stack):
                        out.append((number, f"nested: tag inside {stack}"))
                    if kind == "artifact" and "mcid" in stack:
                        out.append((number, f"nested: artifact inside {stack}"))
                    stack.append(kind)
                elif op == "EMC":
                    if stack:
                        stack.pop()
                    else:
                        out.append((number, "nested: EMC without BDC"))
                elif op in PAINTING and not ({"mcid", "artifact"} & set(stack)):
                    out.append((number, op))
            if stack:
                out.append((number, f"nested: {len(stack)} sequences left open"))
    return out


def _kind(operands: list[Any], op: str) -> str:
    """Return what a BDC/BMC opens: a tagged sequence, an artifact, or another mark."""
    tag = str(operands[0])
    if tag == "/Artifact":
        return "artifact"
    if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
        return "mcid"
    return "other"


@dataclass
class Node:
    """A structure element read back: role, marked-content count, attributes, kids."""

    role: str
    marks: int = 0
    alt: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    elem_id: str | None = None
    lang: str | None = None
    kids: list[Node] = field(default_factory=list)
    annotations: list[pikepdf.Dictionary] = field(default_factory=list)

    def walk(self) -> list[Node]:
        """Return this node and all below it, in reading order."""
        out = [self]
        for kid in self.kids:
            out += kid.walk()
        return out


def struct_tree(data: bytes) -> Node:
    """Return the document's structure tree (the Document element and all below it)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot
        kids = root.K
        top = kids[0] if isinstance(kids, pikepdf.Array) else kids
        return _read(top)


def _read(elem: pikepdf.Dictionary) -> Node:
    """Return the Node of a StructElem dictionary."""
    node = Node(str(elem.S)[1:])
    if "/Alt" in elem:
        node.alt = str(elem.Alt)
    if "/ID" in elem:
        node.elem_id = str(elem.ID)
    if "/Lang" in elem:
        node.lang = str(elem.Lang)
    if "/A" in elem:
        node.attributes = {str(k)[1:]: _plain(v) for k, v in elem.A.items()}
    kids = elem.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    marks = 0
    for kid in items:
        is_mcr = isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"
        if isinstance(kid, int) or getattr(kid, "is_integer", False) or is_mcr:
            marks += 1
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            node.annotations.append(kid.Obj)
        elif isinstance(kid, pikepdf.Dictionary):
            node.kids.append(_read(kid))
    node.marks = marks
    return node


def _plain(value: Any) -> Any:
    """Return a pikepdf attribute value as plain Python (names as strings without '/')."""
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    if isinstance(value, pikepdf.Array):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


# Findings of pikepdf's PDF/A allowlist validator that are known and explained in
# docs/accessibility.md: its allowlist has no entry for the PDF/UA identification schema
# (which ISO 19005-3 6.6.2.3 lets a file declare through an extension schema, as done here).
_KNOWN_PDFA_GAPS = re.compile(
    r"XMP (namespace (pdfaExtension|pdfaSchema|pdfaProperty)="
    r"|property (pdfuaid:part|pdfaExtension:schemas))"
)


def pdfa_findings(data: bytes) -> list[str]:
    """Return pikepdf's PDF/A-3b findings (its veraPDF-derived allowlist), known gaps aside."""
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(data), "3b")
    return [str(f) for f in report.findings if not _KNOWN_PDFA_GAPS.search(str(f))]


def pdfua_problems(data: bytes, folder: Path) -> list[str]:
    """Return what the `pdfua` checker reports at any severity, and every rule it skipped.

    A skipped rule (one that raised inside the checker) is a check that did not run, so it
    counts as a problem too.
    """
    from pdfua.validator import Validator

    path = folder / "checked.pdf"
    path.write_bytes(data)
    report = Validator().validate(str(path))
    found = [f"{f.severity}: {f.message}" for f in report.findings]
    for outcome in report.outcomes:
        if not outcome.skipped_reason:
            continue
        if outcome.rule_id == "UA-14-001" and _PDFUA_ARRAY_BUG in outcome.skipped_reason:
            # pdfua 0.1.3's empty-heading rule calls getattr(kid, "is_integer") on a /K
            # array, which pikepdf 10 answers with ValueError: the rule cannot run on a
            # heading with several kids (a Devanagari heading has a Span per shaped word).
            # Run the same rule here instead.
            found += [f"warning: Empty heading element {role}." for role in empty_headings(data)]
        else:
            found.append(f"{outcome.rule_id} skipped: {outcome.skipped_reason}")
    return found


_PDFUA_ARRAY_BUG = "cannot get key '/is_integer' on object of type array"


def empty_headings(data: bytes) -> list[str]:
    """Return the role of each heading element that marks no content (pdfua's UA-14-001)."""
    tree = struct_tree(data)
    return [
        n.role
        for n in tree.walk()
        if re.fullmatch(r"H[1-6]?", n.role) and not any(k.marks for k in n.walk())
    ]


def unembedded_fonts(data: bytes) -> list[str]:
    """Return the fonts of a PDF that have no embedded program or no ToUnicode map."""
    bad = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for name, font in page.obj.Resources.get("/Font", {}).items():
                descriptor = font.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if not embedded or "/ToUnicode" not in font:
                    bad.append(f"{name} {font.get('/BaseFont')}")
    return sorted(set(bad))


def shown_text(data: bytes, page: int) -> list[tuple[str, str]]:
    """Return (marking, text) for each text-showing operator of a page (1-based).

    `marking` is "artifact", the role of the tagged sequence the text is in ("TH", "P"),
    or "" for none. Text is the operator's bytes read as Latin-1, which is the text itself
    for the ASCII range of reportlab's first font subset (enough to find a table header).
    """
    out: list[tuple[str, str]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(pdf.pages[page - 1]):
            op = str(operator)
            if op in ("BDC", "BMC"):
                kind = _kind(operands, op)
                stack.append("artifact" if kind == "artifact" else str(operands[0])[1:])
            elif op == "EMC" and stack:
                stack.pop()
            elif op in TEXT:
                marking = next((m for m in reversed(stack) if m != "Span"), "")
                items = operands[0] if op == "TJ" else operands[-1:]
                text = "".join(
                    bytes(i).decode("latin-1") for i in items if isinstance(i, pikepdf.String)
                )
                out.append((marking, text))
    return out
