"""Finding templates: folders with a `template.yaml`, in the user's roots then the bundled one.

A template is a folder `<root>/<name>/` holding `template.yaml` (name, description, page
budget, entry file) and Jinja2 files. A user's folder of the same name overrides the bundled
one. `template_files` lists every file a template's output depends on (its own folder and the
folders of every template it extends, includes or imports), for the build's cache hash.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml

from reportgen.errors import Problem, TemplateError
from reportgen.paths import BUNDLED_TEMPLATES
from reportgen.templating.env import make_environment, search_path, translate_error

DESCRIPTOR = "template.yaml"
DEFAULT_ENTRY = "brief.md.j2"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class TemplateInfo:
    """A template folder: its name, what it is for, where it lives and its page budget."""

    name: str
    description: str
    path: Path
    source: str  # "bundled" or "user"
    entry: str = DEFAULT_ENTRY
    pages: tuple[int, int] | None = None  # (min, max) pages the output should fill
    diglot: str | None = None  # "stacked" or "columns": the template makes one diglot document
    reference_docx: Path | None = None  # a Word file in the folder: the house styles, page ...

    @property
    def entry_name(self) -> str:
        """Return the entry file's name for the Jinja2 loader (`folder/file`)."""
        return f"{self.name}/{self.entry}"


def list_templates(templates_dirs: Sequence[Path] = ()) -> list[TemplateInfo]:
    """Return every template found, sorted by name; a user's folder hides a bundled twin."""
    found: dict[str, TemplateInfo] = {}
    for root in search_path(templates_dirs):
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if folder.name not in found and (folder / DESCRIPTOR).is_file():
                found[folder.name] = _read_info(folder, _source(root))
    return [found[name] for name in sorted(found)]


def find_template(name: str, templates_dirs: Sequence[Path] = ()) -> TemplateInfo:
    """Return the template called `name`; TemplateError (listing the known ones) if none."""
    if _NAME.match(name):
        for root in search_path(templates_dirs):
            folder = root / name
            if (folder / DESCRIPTOR).is_file():
                return _read_info(folder, _source(root))
    raise TemplateError(unknown_template_message(name, templates_dirs))


def unknown_template_message(name: str, templates_dirs: Sequence[Path] = ()) -> str:
    """Return "unknown template 'x'; did you mean 'y'? available templates: ...".

    When the template is in ./templates (a project made by `reportgen init`) but that folder
    was not given, the message says how to give it instead of guessing another name.
    """
    names = [t.name for t in list_templates(templates_dirs)]
    available = f"(available templates: {', '.join(names) or 'none'})"
    local = Path("templates")
    given = {Path(d).resolve() for d in templates_dirs}
    if (local / name / "template.yaml").is_file() and local.resolve() not in given:
        return (
            f"unknown template {name!r}: it is in {local.as_posix()}/, which is searched only"
            f" when given: add --templates {local.as_posix()} {available}"
        )
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown template {name!r}{hint} {available}"


def template_problems(facts: Any, templates_dirs: Sequence[Path] = ()) -> list[Problem]:
    """Return the problem of facts whose `meta.template` names no template, located; else []."""
    name = facts.meta.template
    try:
        find_template(name, templates_dirs)
    except TemplateError:
        parsed = getattr(facts, "_parsed", None)
        lines = getattr(parsed, "lines", {}) or {}
        line = lines.get(("meta", "template"), lines.get(("meta",)))
        message = unknown_template_message(name, templates_dirs)
        return [Problem(getattr(facts, "_file", "<facts>"), line, "meta.template", message)]
    return []


def template_files(name: str, templates_dirs: Sequence[Path] = ()) -> list[Path]:
    """Return the files template `name` depends on, its parents' included, sorted.

    Kept per template and search path, and found again only when one of the files, their
    folders or the search roots changed (mtime or size): finding them parses the templates,
    which costs more than a render of a brief.
    """
    key = (name, tuple(str(d) for d in templates_dirs))
    hit = _FILES_CACHE.get(key)
    if hit is not None and hit[0] == _stamp(_watched(hit[1], templates_dirs)):
        return list(hit[1])
    files = _scan_template_files(name, templates_dirs)
    if len(_FILES_CACHE) >= 64:
        _FILES_CACHE.clear()
    _FILES_CACHE[key] = (_stamp(_watched(files, templates_dirs)), files)
    return list(files)


_FILES_CACHE: dict[tuple[str, tuple[str, ...]], tuple[tuple[tuple[int, int], ...], list[Path]]] = {}


def _stamp(paths: Sequence[Path]) -> tuple[tuple[int, int], ...]:
    """Return (mtime_ns, size) of each path; (-1, -1) for one that is gone."""
    stamps = []
    for path in paths:
        try:
            st = path.stat()
            stamps.append((st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append((-1, -1))
    return tuple(stamps)


def _watched(files: list[Path], templates_dirs: Sequence[Path]) -> list[Path]:
    """Return the paths whose change can change a template's files: files, folders, roots."""
    folders = sorted({p.parent for p in files})
    return [*files, *folders, *map(Path, search_path(list(templates_dirs)))]


def _scan_template_files(name: str, templates_dirs: Sequence[Path] = ()) -> list[Path]:
    """Return the files template `name` depends on, found by parsing the templates."""
    info = find_template(name, templates_dirs)
    env = make_environment(templates_dirs)
    folders: set[Path] = set()
    seen: set[str] = set()
    pending = [info.entry_name]
    while pending:
        loader_name = pending.pop()
        if loader_name in seen:
            continue
        seen.add(loader_name)
        path = _resolve(env, loader_name)
        folders.add(path.parent)
        pending.extend(_references(env, loader_name))
    files = {p for folder in folders for p in folder.rglob("*") if p.is_file()}
    return sorted(files)


def _resolve(env: jinja2.Environment, loader_name: str) -> Path:
    """Return the file the loader finds for `loader_name`; TemplateError if none."""
    assert env.loader is not None
    try:
        _source_text, filename, _uptodate = env.loader.get_source(env, loader_name)
    except jinja2.TemplateNotFound as exc:
        raise translate_error(exc, env) from exc
    return Path(str(filename))


def _references(env: jinja2.Environment, loader_name: str) -> list[str]:
    """Return the templates `loader_name` extends, includes or imports (literal names)."""
    assert env.loader is not None
    try:
        source, _filename, _uptodate = env.loader.get_source(env, loader_name)
        ast = env.parse(source, loader_name)
    except jinja2.TemplateError as exc:
        raise translate_error(exc, env) from exc
    return sorted(n for n in jinja2.meta.find_referenced_templates(ast) if n is not None)


def _source(root: Path) -> str:
    """Return "bundled" for the package's own template root, "user" for any other."""
    return "bundled" if root == BUNDLED_TEMPLATES else "user"


def _read_info(folder: Path, source: str) -> TemplateInfo:
    """Return the TemplateInfo described by `folder/template.yaml`."""
    path = folder / DESCRIPTOR
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(f"{path}: cannot read template description: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a mapping (name, description, pages, entry)")
    entry = str(data.get("entry", DEFAULT_ENTRY))
    if not (folder / entry).is_file() or "/" in entry or "\\" in entry:
        raise TemplateError(f"{path}: entry file {entry!r} not found in {folder}")
    return TemplateInfo(
        name=folder.name,
        description=" ".join(str(data.get("description", "")).split()),
        path=folder,
        source=source,
        entry=entry,
        pages=_pages(data.get("pages"), path),
        diglot=_diglot(data.get("diglot"), path),
        reference_docx=_reference_docx(data.get("reference_docx"), folder, path),
    )


def _reference_docx(value: Any, folder: Path, path: Path) -> Path | None:
    """Return the reference .docx a template names (`reference_docx: house.docx`), or None.

    The file must be inside the template's folder, so the build's hash of the folder's
    files covers it and a template cannot reach other files.
    """
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{path}: reference_docx must be a file name such as house.docx")
    root = folder.resolve()
    target = (root / value).resolve()
    if Path(value).is_absolute() or not target.is_relative_to(root):
        raise TemplateError(f"{path}: reference_docx {value!r} must be a file inside {folder}")
    if not target.is_file():
        raise TemplateError(f"{path}: reference_docx {value!r}: no such file in {folder}")
    return target


def _diglot(value: Any, path: Path) -> str | None:
    """Return the diglot layout a template asks for (`diglot: columns`), or None."""
    if value in (None, False):
        return None
    layout = "stacked" if value is True else str(value)
    if layout not in ("stacked", "columns"):
        raise TemplateError(f"{path}: diglot must be stacked or columns, not {value!r}")
    return layout


def _pages(value: Any, path: Path) -> tuple[int, int] | None:
    """Return the (min, max) page budget from `pages: N` or `pages: {min: A, max: B}`."""
    if value is None:
        return None
    try:
        if isinstance(value, dict):
            return (int(value.get("min", 1)), int(value["max"]))
        return (int(value), int(value))
    except (KeyError, TypeError, ValueError) as exc:
        raise TemplateError(f"{path}: pages must be a number or {{min: N, max: M}}") from exc
