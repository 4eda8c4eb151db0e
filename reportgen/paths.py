"""Where the files that ship with reportgen live: templates, example facts, fonts.

In a source checkout `reportgen/templates` and `reportgen/examples` are links to the top-level
`templates/` and `facts/` folders; a built wheel holds real copies, so an installed reportgen
finds them at the same place.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_TEMPLATES = PACKAGE_DIR / "templates"
EXAMPLE_FACTS = PACKAGE_DIR / "examples"
FONT_DIR = PACKAGE_DIR / "fonts"
