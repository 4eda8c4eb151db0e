"""Reference renders of the same brief with the tools a user would pick instead of reportgen.

Each peer starts from the same facts file bytes as reportgen and writes the same brief (title
block, key messages, key figures, executive summary, sections, budget table, timeline,
sources) in its own idiom:

- `typst_brief`: a Typst source (brief.typ) compiled by the `typst` Python package;
- `docxtpl_brief`: a Word template (brief_template.docx) filled by docxtpl;
- `reportlab_brief`: plain reportlab (platypus) without reportgen;
- LibreOffice turns the docxtpl DOCX into a PDF (the docx -> pdf route).

`context.brief_context(data)` is the shared part a user of those tools would write: it
resolves the `{line}` placeholders and formats the amounts in plain Python.
"""
