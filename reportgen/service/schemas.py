"""The JSON bodies of the service, as pydantic models (they make the OpenAPI document)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from reportgen.errors import Problem


class ProblemOut(BaseModel):
    """One problem with the input, as `reportgen validate` prints it."""

    file: str
    line: int | None
    path: str
    message: str
    severity: str = "error"

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        """Return the JSON form of a Problem."""
        return cls(**problem.to_dict())  # type: ignore[arg-type]


class ErrorBody(BaseModel):
    """Every error response: a short code, a message, and the problems when there are any."""

    error: str = Field(examples=["facts_invalid"])
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)


class BriefLinks(BaseModel):
    """Where each format of a served brief is."""

    pdf: str
    docx: str
    thumbnail: str  # a PNG of the first page


class BriefSummary(BaseModel):
    """One brief of the served facts folder."""

    slug: str
    title: str
    date: str
    template: str
    links: BriefLinks


class InvalidFile(BaseModel):
    """A facts file of the served folder that does not validate (it is not served)."""

    file: str
    problems: list[ProblemOut]


class BriefList(BaseModel):
    """The briefs of the served facts folder, and the files that could not be read."""

    briefs: list[BriefSummary]
    invalid: list[InvalidFile] = Field(default_factory=list)


class TemplateOut(BaseModel):
    """A template the service can render with."""

    name: str
    description: str


class TemplateList(BaseModel):
    """Every template, bundled ones and those of the served template folders."""

    templates: list[TemplateOut]


class ValidationResult(BaseModel):
    """Facts that validate: the brief's identity and any warnings."""

    valid: bool = True
    slug: str
    title: str
    date: str
    template: str
    warnings: list[ProblemOut] = Field(default_factory=list)


class Health(BaseModel):
    """The service is up; its version, render pool and cache."""

    status: str
    version: str
    worker: int = 0
    """The pid of the uvicorn worker that answered: each has its own pool, cache and counters."""
    renderer: dict[str, Any]
    cache: dict[str, int]
    broker: dict[str, Any] | None = None


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """Return OpenAPI `responses` entries for error codes, each with the ErrorBody schema."""
    texts = {
        400: "Bad request: unknown format or a malformed body",
        404: "Unknown template or brief",
        413: "Body larger than the limit",
        415: "Body in a format the endpoint does not read",
        422: "Invalid facts (every problem listed) or a template/layout error",
        429: "Too many renders waiting; see Retry-After",
        500: "A bug in reportgen (no details are given)",
        503: "Render past its deadline, or the renderer restarting",
    }
    return {code: {"model": ErrorBody, "description": texts[code]} for code in codes}
