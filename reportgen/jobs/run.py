"""Running one render job in this process: the only place a job becomes documents.

Every executor ends here, whether the job came from a local process pool or from the queue.
A user's mistake (bad facts, unknown template, a layout that cannot be set) is a failed
result carrying its problems, never an exception: it is the job's answer, and rendering it
again would give the same answer.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportgen.errors import FactsError, ReportgenError, UsageError
from reportgen.jobs.job import BriefInfo, JobResult, RenderJob, dependencies_hash

# Options a job may carry, and what build_brief calls them. "diglot" is the layout of one
# document holding several languages ("stacked" or "columns"); "diglot_languages" narrows
# them (comma-separated tags; default: all the brief's languages).
KNOWN_OPTIONS = {
    "sandboxed": "sandboxed",
    "docx_page_numbers": "docx_page_numbers",
    "strict": "strict",
    "embed_facts": "embed_facts",
    "diglot": "diglot",
    "reference_docx": "reference_docx",  # a path: the Word file whose styles the brief takes
}


def failed(job_id: str, exc: ReportgenError, seconds: float = 0.0) -> JobResult:
    """Return the failed result describing a reportgen error."""
    problems = exc.problems if isinstance(exc, FactsError) else ()
    return JobResult(
        job_id,
        "failed",
        error=type(exc).__name__,
        message=str(exc),
        problems=tuple(problems),
        seconds=seconds,
    )


def _build_kwargs(job: RenderJob) -> dict[str, object]:
    """Return build_brief's keyword arguments for the job's options."""
    kwargs: dict[str, object] = {}
    for name, value in job.options:
        if name == "diglot_languages":
            continue  # applied to the facts (see _narrowed)
        if name not in KNOWN_OPTIONS:
            raise UsageError(f"unknown render option {name!r}")
        kwargs[KNOWN_OPTIONS[name]] = Path(value) if name == "reference_docx" else value
    return kwargs


def _narrowed(facts: Any, job: RenderJob) -> Any:
    """Return the facts with their languages narrowed to the job's "diglot_languages"."""
    from reportgen.build import only_languages

    chosen = dict(job.options).get("diglot_languages")
    return only_languages(facts, str(chosen).split(",")) if chosen else facts


def run_job(job: RenderJob, timeout: float | None = None, facts: Any = None) -> JobResult:
    """Return the result of rendering `job` here: its documents, or the user error.

    A job whose dependencies hash was computed elsewhere (a client of the queue) must
    match this process's: otherwise the worker runs other code or templates than the
    client, and its documents would not be the ones the id promises. A render running
    longer than `timeout` seconds (None: no limit; POSIX main thread only, see
    reportgen.deadline) is a failed result whose error is "RenderTimeout". `facts`, when
    the caller has parsed the job's facts bytes already, spares parsing them again.
    """
    from reportgen.deadline import render_deadline

    started = time.perf_counter()
    try:
        with render_deadline(timeout):
            return _render(job, started, facts)
    except ReportgenError as exc:
        return failed(_safe_id(job), exc, time.perf_counter() - started)


def _render(job: RenderJob, started: float, parsed: Any = None) -> JobResult:
    """Return the done result of `job`, raising the ReportgenError that stopped it."""
    from reportgen.build import build_brief
    from reportgen.facts import parse_facts

    facts = _narrowed(parsed or parse_facts(job.facts, job.filename), job)
    template = job.template or facts.meta.template
    deps = dependencies_hash(template, job.dirs)
    if job.deps_hash and job.deps_hash != deps:
        raise UsageError(
            f"{job.filename}: this worker's reportgen or templates differ from the "
            "client's (dependency hashes differ); run the same version on both"
        )
    job = replace(job, template=template, deps_hash=deps, facts_hash=job.sha256)
    brief = build_brief(
        facts, job.formats, job.template, job.dirs, language=job.language,
        **_build_kwargs(job),
    )  # fmt: skip
    info = BriefInfo(
        slug=brief.slug,
        title=brief.title,
        date=brief.date,
        template=brief.template,
        subtitle=brief.subtitle,
        key_messages=tuple(brief.key_messages),
        facts_hash=brief.facts_hash,
        deps_hash=brief.deps_hash,
        content_hash=brief.content_hash,
        language=brief.language,
        languages=tuple(brief.languages),
        stem=brief.stem,
    )
    return JobResult(
        job.id,
        "done",
        info,
        dict(brief.outputs),
        dict(brief.pages),
        seconds=time.perf_counter() - started,
        warnings=tuple(getattr(brief, "warnings", ())),
    )


def _safe_id(job: RenderJob) -> str:
    """Return the job's id, or "" when it never got far enough to have one."""
    return job.id if job.deps_hash else ""
