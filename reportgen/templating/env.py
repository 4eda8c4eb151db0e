"""Jinja2 environments for briefs, and the translation of Jinja2 errors into ours.

Two environments share filters, globals and Markdown escaping:

- the plain one, for the bundled templates and for `--templates DIR` folders on the local
  disk (the person running reportgen already runs code of their choice on that machine);
- `sandboxed=True`, Jinja2's ImmutableSandboxedEnvironment, for templates that arrive from
  elsewhere (service uploads): no `_`-attributes, no unsafe `str.format`, no `|attr`, no
  mutation of lists and dicts, no huge `*`/`**` results, no files reached through links out
  of the template folders; any attempt is a `TemplateSecurityError`.

Both use `StrictUndefined` (a missing value is an error naming template file and line),
and both look templates up in the user's folders first, then in the bundled folder; names
are `folder/file` inside those roots (`..` or absolute names are simply not found).
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath
from typing import Any, NoReturn

import jinja2
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from pydantic import BaseModel

from reportgen.errors import ReportgenError, TemplateError, TemplateSecurityError
from reportgen.paths import BUNDLED_TEMPLATES
from reportgen.templating import figures, filters
from reportgen.templating.markdown import finalize

_PYDANTIC_API = frozenset(dir(BaseModel))
MAX_SEQUENCE = 1_000_000  # longest string or list a sandboxed `*` may build
MAX_POWER_BITS = 4096  # largest integer (in bits) a sandboxed `**` may compute


def search_path(templates_dirs: Sequence[Path] = ()) -> list[Path]:
    """Return the template roots in lookup order: the user's folders, then the bundled one."""
    return [Path(d) for d in templates_dirs] + [BUNDLED_TEMPLATES]


class RootedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses files lying outside its roots (through symbolic links)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Return the template's source, unless its real path leaves every root."""
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        roots = [Path(root).resolve() for root in self.searchpath]
        if not any(real.is_relative_to(root) for root in roots):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


class BriefSandbox(ImmutableSandboxedEnvironment):
    """The sandbox for untrusted templates: Jinja2's, with `*` and `**` kept small."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Return False for pydantic's own model methods and anything about paths.

        The facts are pydantic models, whose inherited API can read files
        (`parse_file`) or build other models; templates need only the fields,
        properties and methods the facts classes define themselves.
        """
        if isinstance(obj, PurePath) or isinstance(value, PurePath):
            return False
        if isinstance(obj, BaseModel) and attr in _PYDANTIC_API:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Return `left operator right`; SecurityError when the result would be huge."""
        if operator == "*" and _repeat_length(left, right) > MAX_SEQUENCE:
            raise SecurityError(f"a repeated sequence longer than {MAX_SEQUENCE}")
        if operator == "**" and _power_bits(left, right) > MAX_POWER_BITS:
            raise SecurityError(f"a power larger than {MAX_POWER_BITS} bits")
        return super().call_binop(context, operator, left, right)


def _repeat_length(left: Any, right: Any) -> int:
    """Return the length of `left * right` when it repeats a sequence, else 0."""
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
            return len(seq) * times
    return 0


def _power_bits(base: Any, exponent: Any) -> int:
    """Return roughly how many bits `base ** exponent` needs (0 for non-integers)."""
    if isinstance(base, int) and isinstance(exponent, int) and abs(base) > 1:
        return exponent * abs(base).bit_length()
    return 0


def _attr_forbidden(*_args: Any) -> NoReturn:
    """Raise: `|attr` reaches attributes by computed name, which a sandbox cannot vet."""
    raise SecurityError("the attr filter is not available in sandboxed templates")


def make_environment(
    templates_dirs: Sequence[Path] = (), *, sandboxed: bool = False
) -> jinja2.Environment:
    """Return a Jinja2 environment that renders brief templates into constrained Markdown."""
    # sandboxed templates come from elsewhere: a link inside their folder must not leak files
    loader_class = RootedLoader if sandboxed else jinja2.FileSystemLoader
    options: dict[str, Any] = {
        "loader": loader_class([str(p) for p in search_path(templates_dirs)]),
        "undefined": jinja2.StrictUndefined,
        "finalize": finalize,
        "autoescape": False,  # Markdown escaping happens in `finalize`, not HTML escaping
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
        "auto_reload": False,
        # `{% trans %}` and `_()`: the gettext functions come with each render's context
        # (templating/words.py), so renders in different languages never share them
        "extensions": ["jinja2.ext.i18n"],
    }
    env: jinja2.Environment = (
        BriefSandbox(**options) if sandboxed else jinja2.Environment(**options)
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # %(name)s, values escaped
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
    where = _location(exc)
    prefix = f"{where}: " if where else ""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = _display_name(exc.filename or exc.name or "<template>")
        return TemplateError(f"{name}:{exc.lineno}: syntax error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(f"{prefix}template not found: {exc.message or exc.name}")
    if isinstance(exc, SecurityError):
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


def _location(exc: BaseException) -> str:
    """Return `name:line` of the innermost template line in the traceback, or ""."""
    frames = _template_frames(exc)
    if not frames:
        return ""
    tb = frames[-1]
    return f"{_display_name(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}"


def _raised_in_template(exc: BaseException) -> bool:
    """Return True when the innermost frame is template code (not a Python function)."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and "__jinja_exception__" in last.tb_frame.f_globals


def _display_name(filename: str) -> str:
    """Return a bundled template file's name as `folder/file`; other files keep their path.

    A user's file keeps its whole path, because `policy-brief/brief.md.j2` could be the
    bundled file or one in any of the user's folders.
    """
    path = Path(filename)
    try:
        return path.relative_to(BUNDLED_TEMPLATES).as_posix()
    except ValueError:
        return filename
