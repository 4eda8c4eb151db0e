"""`reportgen init [DIR]`: a new project folder that validates and builds as it is.

It holds a commented facts file on a placeholder subject (with the `$schema` line and the
schema beside it), a copy of the bundled policy-brief template named `my-brief` to customise,
a schedule, a README for the folder and a .gitignore. Nothing is overwritten: a folder that
already has one of these files is refused before anything is written.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from reportgen.errors import UsageError
from reportgen.fileio import write_text_atomic
from reportgen.paths import BUNDLED_TEMPLATES

HERE = Path(__file__).resolve().parent
FACTS_NAME = "facts/my-first-brief.yaml"
TEMPLATE_COPY = "my-brief"


def planned_files(today: datetime.date) -> dict[str, str]:
    """Return {path relative to the project: text} of everything `init` writes."""
    from reportgen.facts import json_schema

    def own(name: str) -> str:
        return (HERE / name).read_text(encoding="utf-8")

    files = {
        FACTS_NAME: own("facts.yaml").replace("{today}", today.isoformat()),
        "facts.schema.json": json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n",
        "schedule.yaml": own("schedule.yaml"),
        "README.md": own("README.md"),
        ".gitignore": own("gitignore.txt"),
    }
    source = BUNDLED_TEMPLATES / "policy-brief"
    for path in sorted(source.iterdir()):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if path.name == "template.yaml":
                text = text.replace("name: policy-brief", f"name: {TEMPLATE_COPY}", 1)
            files[f"templates/{TEMPLATE_COPY}/{path.name}"] = text
    return files


def init_project(folder: Path, today: datetime.date | None = None) -> list[Path]:
    """Write a new project into `folder` (created if needed); return the files written.

    Raise UsageError, writing nothing, when any of the files already exists.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: exists and is not a folder")
    files = planned_files(today or datetime.date.today())
    present = [name for name in files if (folder / name).exists()]
    if present:
        raise UsageError(
            f"{folder}: already has {', '.join(present)}; nothing written "
            "(choose an empty or new folder)"
        )
    written = []
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_text_atomic(target, text))
    return written
