"""The render job and its id: the one place where reportgen's content hash is computed.

A render job is (facts bytes, template, formats, language, options). Its id is the content
hash of everything its documents depend on: the facts bytes, the template's files and those
it extends (so the theme counts), the fonts, reportgen's own code, and the language and
options when they are set. Two jobs with the same id give byte-identical documents, so the id
is also the key of the result store, the ETag of the service and the manifest's
`content_hash`.

    id = sha256( dependencies_hash(template) || sha256(facts) [|| canonical(language, options)] )

A job's formats are not part of its id: each format is a separate document stored under
(id, format), so a PDF asked for today and a DOCX asked for tomorrow share one job.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from reportgen import __version__
from reportgen.errors import Problem
from reportgen.paths import FONT_DIR, PACKAGE_DIR

# ---------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of `data`."""
    return hashlib.sha256(data).hexdigest()


@cache
def code_and_fonts_hash() -> str:
    """Return a hash of reportgen's version, its Python sources, its fonts and its catalogs.

    Hashing the sources (not only the version string) means a changed writer invalidates
    every cached result even before a release bumps the version; it costs a few
    milliseconds once per process.
    """
    digest = hashlib.sha256(__version__.encode())
    catalogs = sorted((PACKAGE_DIR / "locale").rglob("*.po"))
    for path in sorted(PACKAGE_DIR.rglob("*.py")) + sorted(FONT_DIR.glob("*.ttf")) + catalogs:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def template_files(template: str, templates_dirs: Sequence[Path] = ()) -> list[Path]:
    """Return the files of `template` and those it extends (templating keeps them, stat-checked)."""
    from reportgen.templating import template_files as find_files

    return find_files(template, list(templates_dirs))


@cache
def _digest_of(path: Path, mtime_ns: int, size: int) -> bytes:
    """Return the SHA-256 of a file's bytes (cached per path, mtime and size)."""
    return hashlib.sha256(path.read_bytes()).digest()


def _file_digest(path: Path) -> bytes:
    """Return the SHA-256 of a file, read again only when its mtime or size changed."""
    st = path.stat()
    return _digest_of(path, st.st_mtime_ns, st.st_size)


def dependencies_hash(template: str, templates_dirs: Sequence[Path] = ()) -> str:
    """Return the hash of what a brief depends on besides its facts.

    That is the template's files and those of every template it extends (their names and
    bytes, so the theme file counts), the fonts, and reportgen itself. Raises TemplateError
    when the template is unknown.
    """
    digest = hashlib.sha256(code_and_fonts_hash().encode())
    digest.update(template.encode())
    for path in template_files(template, templates_dirs):
        digest.update(path.name.encode())
        digest.update(_file_digest(path))
    return digest.hexdigest()


def with_reference(deps_hash: str, reference_digest: str) -> str:
    """Return a dependencies hash with a reference document's SHA-256 counted in.

    A build given a Word reference (--reference-docx) depends on that file as much as on
    its template's files; "" stays "" (an unknown template: the brief is rebuilt anyway).
    """
    if not deps_hash:
        return deps_hash
    return sha256_bytes(f"{deps_hash}:{reference_digest}".encode())


def job_id(
    deps_hash: str,
    facts_hash: str,
    language: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> str:
    """Return the content hash of a job from its parts (the one formula; see the module)."""
    digest = hashlib.sha256(deps_hash.encode())
    digest.update(facts_hash.encode())
    if language or options:
        extra = {"language": language or None, "options": dict(options or {})}
        digest.update(json.dumps(extra, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()


def content_hash(facts_bytes: bytes, template: str, templates_dirs: Sequence[Path] = ()) -> str:
    """Return the id of the job rendering `facts_bytes` with `template` (no language, options)."""
    return job_id(dependencies_hash(template, templates_dirs), sha256_bytes(facts_bytes))


# ---------------------------------------------------------------- the job


@dataclass(frozen=True)
class RenderJob:
    """One brief to render: facts bytes, template, formats, language and options.

    `template` None means "the template the facts name"; `resolved()` reads it from the
    facts and fixes the dependencies hash, after which `id` is known. `filename` is only
    the name problems are reported under (the facts file's path in a build).
    """

    facts: bytes
    filename: str = "<facts>"
    template: str | None = None
    formats: tuple[str, ...] = ("pdf", "docx")
    language: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    templates_dirs: tuple[str, ...] = ()
    deps_hash: str = ""  # dependencies_hash(template), set by resolved()
    facts_hash: str = field(default="", compare=False)

    @property
    def id(self) -> str:
        """Return the job's content hash; the job must be resolved()."""
        if not self.deps_hash:
            raise ValueError("the job's template is not resolved yet: call resolved()")
        return job_id(self.deps_hash, self.sha256, self.language, dict(self.options))

    @property
    def sha256(self) -> str:
        """Return the SHA-256 of the facts bytes."""
        return self.facts_hash or sha256_bytes(self.facts)

    @property
    def dirs(self) -> tuple[Path, ...]:
        """Return the extra template folders as paths."""
        return tuple(Path(d) for d in self.templates_dirs)

    def resolved(self, facts: Any = None) -> RenderJob:
        """Return this job with its template named and its dependencies hashed.

        Parses the facts (raising FactsError) only when the template is not given and no
        parsed `facts` are passed in; raises TemplateError for an unknown template.
        """
        if self.deps_hash and self.template:
            return self
        template = self.template
        if template is None:
            if facts is None:
                from reportgen.facts import parse_facts

                facts = parse_facts(self.facts, self.filename)
            template = facts.meta.template
        deps = dependencies_hash(template, self.dirs)
        return replace(self, template=template, deps_hash=deps, facts_hash=self.sha256)

    def to_message(self) -> dict[str, Any]:
        """Return the job as a JSON-ready dict (facts in base64) for a queue message."""
        return {
            "facts": base64.b64encode(self.facts).decode("ascii"),
            "filename": self.filename,
            "template": self.template,
            "formats": list(self.formats),
            "language": self.language,
            "options": [list(pair) for pair in self.options],
            "templates_dirs": list(self.templates_dirs),
            "deps_hash": self.deps_hash,
        }

    @classmethod
    def from_message(cls, data: Mapping[str, Any]) -> RenderJob:
        """Return the job that to_message() described."""
        return cls(
            facts=base64.b64decode(data["facts"]),
            filename=data["filename"],
            template=data["template"],
            formats=tuple(data["formats"]),
            language=data.get("language"),
            options=tuple((k, v) for k, v in data.get("options", [])),
            templates_dirs=tuple(data.get("templates_dirs", [])),
            deps_hash=data.get("deps_hash", ""),
        )


# ---------------------------------------------------------------- what a job gives


@dataclass(frozen=True)
class BriefInfo:
    """Who a rendered brief is: what the manifest and the service say about it."""

    slug: str
    title: str
    date: str
    template: str
    subtitle: str = ""
    key_messages: tuple[str, ...] = ()
    facts_hash: str = ""
    deps_hash: str = ""
    content_hash: str = ""
    language: str = ""  # the document's language
    languages: tuple[str, ...] = ()  # every language it holds
    stem: str = ""  # base name of its files ("<slug>", "<slug>.hi")

    def file_name(self, fmt: str) -> str:
        """Return the name of this brief's file in format `fmt`."""
        return f"{self.stem or self.slug}.{fmt}"


@dataclass(frozen=True)
class JobResult:
    """The end of a job: its documents (done) or why it failed (failed).

    `error` is the reportgen error class name of a failure ("FactsError", "TemplateError",
    "InternalError" for a bug or a lost worker), `message` its text, `problems` the
    facts problems (as a build prints them and the service answers them).
    """

    job_id: str
    state: str  # "done" or "failed"
    brief: BriefInfo | None = None
    outputs: dict[str, bytes] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    error: str = ""
    message: str = ""
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()  # e.g. a page budget exceeded (not an error)

    @property
    def ok(self) -> bool:
        """Return True when the job rendered its documents."""
        return self.state == "done"

    def meta(self) -> dict[str, Any]:
        """Return everything but the documents' bytes as a JSON-ready dict."""
        brief = None
        if self.brief is not None:
            brief = {
                **self.brief.__dict__,
                "key_messages": list(self.brief.key_messages),
                "languages": list(self.brief.languages),
            }
        return {
            "job_id": self.job_id,
            "state": self.state,
            "brief": brief,
            "formats": sorted(self.outputs),
            "pages": self.pages,
            "error": self.error,
            "message": self.message,
            "problems": [p.to_dict() for p in self.problems],
            "seconds": self.seconds,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any], outputs: Mapping[str, bytes]) -> JobResult:
        """Return the result that meta() described, with the documents' bytes."""
        brief = meta.get("brief")
        info = None
        if brief is not None:
            info = BriefInfo(
                **{
                    **brief,
                    "key_messages": tuple(brief["key_messages"]),
                    "languages": tuple(brief.get("languages", ())),
                }
            )
        return cls(
            job_id=meta["job_id"],
            state=meta["state"],
            brief=info,
            outputs=dict(outputs),
            pages={k: int(v) for k, v in meta.get("pages", {}).items()},
            error=meta.get("error", ""),
            message=meta.get("message", ""),
            problems=tuple(Problem(**p) for p in meta.get("problems", [])),
            seconds=float(meta.get("seconds", 0.0)),
            warnings=tuple(meta.get("warnings", [])),
        )
