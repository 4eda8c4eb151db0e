"""A diglot: one document holding a brief in two (or more) languages, section by section.

India's Official Languages Act has Hindi and English versions of papers appear together
("in diglot form"). The brief is rendered once per language (the same template, so the
documents have the same shape), then joined: each section in the first language, then the
same section in the next (`stacked`), or the two side by side, block by block (`columns`).
Each language's part is a `Div` carrying its language; anchors of every language after the
first get a suffix, so links and citations stay within their own language.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from reportgen import model

LAYOUTS = ("stacked", "columns")


def diglot_document(docs: list[model.Document], layout: str = "stacked") -> model.Document:
    """Return one document joining `docs` (one per language, first language first)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown diglot layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    first = docs[0]
    parts = [_sections(first.blocks)] + [
        _sections(_suffixed(doc.blocks, _suffix(doc.meta.language))) for doc in docs[1:]
    ]
    langs = [doc.meta.language for doc in docs]
    if len({len(p) for p in parts}) != 1:  # different shapes: each language whole
        parts = [[tuple(b for group in p for b in group)] for p in parts]
    blocks: list[model.Block] = []
    for index in range(len(parts[0])):
        groups = [_without_toc(p[index]) if n else p[index] for n, p in enumerate(parts)]
        if layout == "columns":
            blocks.extend(_columns(groups, langs))
        else:
            blocks.extend(
                model.Div(group, model.lang_attr(lang, "diglot"))
                for group, lang in zip(groups, langs, strict=True)
                if group
            )
    return model.Document(meta=_meta([d.meta for d in docs]), blocks=tuple(blocks))


def _meta(metas: list[model.Meta]) -> model.Meta:
    """Return the diglot's Meta: the first language's, every title in the title block."""
    first = metas[0]
    others = " / ".join(m.title for m in metas[1:] if m.title)
    keywords = tuple(dict.fromkeys(k for m in metas for k in m.keywords))
    return dataclasses.replace(
        first,
        subtitle=others or first.subtitle,
        keywords=keywords,
        subject=" / ".join(m.subject for m in metas if m.subject),
    )


def _sections(blocks: tuple[model.Block, ...]) -> list[tuple[model.Block, ...]]:
    """Return the blocks cut before each top-level heading (what comes first is a group)."""
    groups: list[list[model.Block]] = [[]]
    for block in blocks:
        if isinstance(block, model.Heading) and block.level <= 1 and groups[-1]:
            groups.append([])
        groups[-1].append(block)
    return [tuple(g) for g in groups]


def _without_toc(blocks: tuple[model.Block, ...]) -> tuple[model.Block, ...]:
    """Return the blocks without a table of contents (the first language's lists all)."""
    return tuple(b for b in blocks if not isinstance(b, model.TableOfContents))


WIDE = (model.Table, model.Figure, model.KeyFigures)  # too wide for half a page


def _columns(groups: list[tuple[model.Block, ...]], langs: list[str]) -> list[model.Block]:
    """Return one section's groups side by side: block against block where they match.

    Tables, figures and key figures need the page's width: they stand one language under
    the other between the columns.
    """
    if len({len(g) for g in groups}) != 1:
        row = tuple(
            model.Div(g, model.lang_attr(lang, "diglot"))
            for g, lang in zip(groups, langs, strict=True)
        )
        return [model.Columns((row,))]
    out: list[model.Block] = []
    rows: list[tuple[model.Div, ...]] = []
    # A heading never ends a row: it joins the blocks that follow it (a row is not split
    # across pages, so a heading cannot be left alone at the foot of one).
    held: list[tuple[model.Block, ...]] = [() for _ in langs]
    for blocks in zip(*groups, strict=True):
        if _is_layout(tuple(blocks)):
            continue  # a page break or a table of contents does not belong in a column
        joined = [(*h, b) for h, b in zip(held, blocks, strict=True)]
        if isinstance(blocks[0], model.Heading):
            held = joined
            continue
        held = [() for _ in langs]
        divs = tuple(
            model.Div(tuple(part), model.lang_attr(lang, "diglot"))
            for part, lang in zip(joined, langs, strict=True)
        )
        if isinstance(blocks[0], WIDE):
            if rows:
                out.append(model.Columns(tuple(rows)))
                rows = []
            out.extend(divs)  # each language's heading stays above its own table
        else:
            rows.append(divs)
    if any(held):
        rows.append(
            tuple(
                model.Div(part, model.lang_attr(lang, "diglot"))
                for part, lang in zip(held, langs, strict=True)
            )
        )
    if rows:
        out.append(model.Columns(tuple(rows)))
    return out


def _is_layout(blocks: tuple[model.Block, ...]) -> bool:
    """Return True for blocks that draw nothing of their own (page breaks, contents)."""
    return all(isinstance(b, model.PageBreak | model.TableOfContents) for b in blocks)


def _suffix(language: str) -> str:
    """Return the anchor suffix of a language's part ("--en" for en-IN)."""
    return "--" + "".join(ch for ch in language.lower() if ch.isalnum() or ch == "-")


def _suffixed(node: Any, suffix: str) -> Any:
    """Return `node` with every anchor and internal link given `suffix` (recursively)."""
    if isinstance(node, tuple):
        return tuple(_suffixed(x, suffix) for x in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple) or dataclasses.is_dataclass(value):
            changes[f.name] = _suffixed(value, suffix)
    if isinstance(node, model.Heading | model.ListItem) and node.id:
        changes["id"] = node.id + suffix
    elif isinstance(node, model.Cite):
        changes["source_id"] = node.source_id + suffix
    elif isinstance(node, model.Link) and node.url.startswith("#"):
        changes["url"] = node.url + suffix
    return dataclasses.replace(node, **changes) if changes else node
