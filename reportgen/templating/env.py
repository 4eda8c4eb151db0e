"""Jinja2 environments for briefs, and the translation of Jinja2 errors into ours.

Two environments share filters, globals and Markdown escaping:

- the plain one, for the bundled templates and for `--templates DIR` folders on the local
  disk (the person running reportgen already runs code of their choice on that machine);
- `sandboxed=True`, Jinja2's ImmutableSandboxedEnvironment, for templates that arrive from
  elsewhere (service uploads): no `_`-attributes, no `str.format`, no `|attr`, no mutation
  of lists and dicts; any attempt is a `TemplateSecurityError`.

Both use `StrictUndefined` (a missing value is an error naming template file and line),
and both look templates up in the user's folders first, then in the bundled folder; names
are `folder/file` inside those roots (`..` or absolute names are simply not found).
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from reportgen.errors import ReportgenError, TemplateError, TemplateSecurityError
from reportgen.paths import BUNDLED_TEMPLATES
from reportgen.templating import figures, filters
from reportgen.templating.markdown import finalize

_UNSAFE_STR_ATTRIBUTES = frozenset({"format", "format_map"})


def search_path(templates_dirs: Sequence[Path] = ()) -> list[Path]:
    """Return the template roots in lookup order: the user's folders, then the bundled one."""
    return [Path(d) for d in templates_dirs] + [BUNDLED_TEMPLATES]


class BriefSandbox(ImmutableSandboxedEnvironment):
    """The sandbox for untrusted templates: Jinja2's, plus no string formatting methods."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Return False for `str.format`/`format_map` as well as Jinja2's unsafe names."""
        if isinstance(obj, str) and attr in _UNSAFE_STR_ATTRIBUTES:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


def _attr_forbidden(*_args: Any) -> NoReturn:
    """Raise: `|attr` reaches attributes by computed name, which a sandbox cannot vet."""
    raise jinja2.sandbox.SecurityError("the attr filter is not available in sandboxed templates")


def make_environment(
    templates_dirs: Sequence[Path] = (), *, sandboxed: bool = False
) -> jinja2.Environment:
    """Return a Jinja2 environment that renders brief templates into constrained Markdown."""
    options: dict[str, Any] = {
        "loader": jinja2.FileSystemLoader([str(p) for p in search_path(templates_dirs)]),
        "undefined": jinja2.StrictUndefined,
        "finalize": finalize,
        "autoescape": False,  # Markdown escaping happens in `finalize`, not HTML escaping
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "auto_reload": False,
    }
    env: jinja2.Environment = (
        BriefSandbox(**options) if sandboxed else jinja2.Environment(**options)
    )
    env.filters.update(filters.FILTERS)
    env.globals.update(
        {
            "cite": filters.cite,
            "link": filters.link,
            "budget_chart": figures.budget_chart,
            "timeline_chart": figures.timeline_chart,
        }
    )
    if sandboxed:
        env.filters["attr"] = _attr_forbidden
    return env


def render_template(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Return template `name` rendered with `context`; Jinja2 errors become TemplateError."""
    try:
        return env.get_template(name).render(context)
    except Exception as exc:  # every failure is translated, or re-raised as it is
        error = translate_error(exc, env)
        if error is exc:
            raise
        # The message names the template line; the Jinja2 traceback (whose frames point
        # into .j2 files) would only confuse a reader, and it trips pytest's reporting.
        raise error from None


def translate_error(exc: BaseException, env: jinja2.Environment) -> BaseException:
    """Return the reportgen error for an exception raised while loading or rendering."""
    where = _location(exc, env)
    prefix = f"{where}: " if where else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = _display_name(exc.filename or exc.name or "<template>", env)
        return TemplateError(f"{name}:{exc.lineno}: syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"{prefix}template not found: {exc.message or exc.name}")
    if isinstance(exc, jinja2.sandbox.SecurityError):
        return TemplateSecurityError(f"{prefix}not allowed in a template: {exc}")
    if isinstance(exc, jinja2.UndefinedError):
        return TemplateError(f"{prefix}undefined value: {exc.message}")
    if isinstance(exc, TemplateError):
        return type(exc)(f"{prefix}{exc}") if where and where not in str(exc) else exc
    if isinstance(exc, ReportgenError):
        return exc
    if isinstance(exc, jinja2.TemplateError) or (where and _raised_in_template(exc)):
        return TemplateError(f"{prefix}{type(exc).__name__}: {exc}")
    if where and getattr(env, "sandboxed", False):
        # an untrusted template's failure is the template's fault, not ours
        return TemplateError(f"{prefix}{type(exc).__name__}: {exc}")
    return exc


def _template_frames(exc: BaseException) -> list[types.TracebackType]:
    """Return the traceback entries that Jinja2 rewrote to point at template lines."""
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        if "__jinja_exception__" in tb.tb_frame.f_globals:
            frames.append(tb)
        tb = tb.tb_next
    return frames


def _location(exc: BaseException, env: jinja2.Environment) -> str:
    """Return `name:line` of the innermost template line in the traceback, or ""."""
    frames = _template_frames(exc)
    if not frames:
        return ""
    tb = frames[-1]
    return f"{_display_name(tb.tb_frame.f_code.co_filename, env)}:{tb.tb_lineno}"


def _raised_in_template(exc: BaseException) -> bool:
    """Return True when the innermost frame is template code (not a Python function)."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and "__jinja_exception__" in last.tb_frame.f_globals


def _display_name(filename: str, env: jinja2.Environment) -> str:
    """Return a template file's name relative to its template root (the path otherwise)."""
    path = Path(filename)
    loader = env.loader
    roots = loader.searchpath if isinstance(loader, jinja2.FileSystemLoader) else []
    for root in roots:
        try:
            return path.relative_to(Path(root)).as_posix()
        except ValueError:
            continue
    return filename
