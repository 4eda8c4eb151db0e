"""Templating: facts through Jinja2 templates into constrained Markdown, then the model.

The build layer and the service call only these names:

- `build_document(facts, template=None, templates_dirs=(), *, sandboxed=False, language=None)`
  `-> Document` (one language; default: the facts' own)
- `build_diglot(facts, template=None, templates_dirs=(), *, languages=(), layout=None)`
  `-> Document` (every language in one document, section by section)
- `render_markdown(facts, template=None, templates_dirs=(), *, sandboxed=False) -> str`
- `list_templates(templates_dirs=()) -> list[TemplateInfo]`
- `find_template(name, templates_dirs=()) -> TemplateInfo`
- `template_files(name, templates_dirs=()) -> list[Path]` (for the build's cache hash)
- `read_markdown(text, meta) -> Document` (the reader, re-exported)

docs/templates.md describes templates, the Markdown dialect and the filters.
"""

from __future__ import annotations

from reportgen.reader import read_markdown
from reportgen.templating.discovery import (
    TemplateInfo,
    find_template,
    list_templates,
    template_files,
    template_problems,
)
from reportgen.templating.document import (
    build_diglot,
    build_document,
    meta_from_facts,
    render_markdown,
)

__all__ = [
    "TemplateInfo",
    "build_diglot",
    "build_document",
    "find_template",
    "list_templates",
    "meta_from_facts",
    "read_markdown",
    "render_markdown",
    "template_files",
    "template_problems",
]
