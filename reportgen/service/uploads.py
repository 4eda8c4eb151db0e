"""Reading facts out of a request body: YAML, JSON, or a multipart upload.

The body has already been bounded by the size limit (limits.py), so reading it whole here
is safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.requests import Request

from reportgen.errors import FactsError, Problem, UsageError

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
JSON_TYPES = ("application/json",)
MULTIPART = "multipart/form-data"
FACTS_FIELD = "facts"


class UnsupportedMediaType(UsageError):
    """The request body is in a format the endpoint does not read (HTTP 415)."""


@dataclass(frozen=True)
class Upload:
    """Facts taken from a request: their bytes and the name to use in error messages."""

    data: bytes
    filename: str


def media_type(request: Request) -> str:
    """Return the request's media type, lowercased, without parameters."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def safe_filename(name: str | None, default: str) -> str:
    """Return the last path part of an uploaded file's name, reduced to safe characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")[:100]
    return base or default


def check_json(data: bytes, filename: str) -> None:
    """Raise FactsError when a JSON body is not a JSON object.

    Only the first character is looked at: the body is then read by the one parser every
    facts file goes through (reportgen.facts), with its limits on size, depth and digits.
    Python's json module would be a second parser with other limits (it recurses, so a
    body of 100,000 `[` overflowed the stack; it refuses long integers with its own error).
    """
    if not data.lstrip().startswith(b"{"):
        problem = Problem(filename, 1, "", 'a JSON facts body is an object: {"meta": ...}')
        raise FactsError([problem])


async def upload_from_form_file(value: object, default_name: str) -> Upload | None:
    """Return the upload held in a form field (file or text), or None when it is empty."""
    if isinstance(value, UploadFile):
        data = await value.read()
        name = safe_filename(value.filename, default_name)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        name = default_name
    else:
        return None
    return Upload(data, name) if data.strip() else None


async def read_upload(request: Request) -> Upload:
    """Return the facts in the request body; UsageError when there are none."""
    kind = media_type(request)
    if kind == MULTIPART:
        form = await request.form(max_files=2, max_fields=10)
        upload = await upload_from_form_file(form.get(FACTS_FIELD), "upload.yaml")
        if upload is None:
            raise UsageError(f"the multipart body has no {FACTS_FIELD!r} file")
        return upload
    if kind in JSON_TYPES:
        data = await request.body()
        check_json(data, "request.json")
        upload = Upload(data, "request.json")
    elif kind in YAML_TYPES or not kind:
        upload = Upload(await request.body(), "request.yaml")
    else:
        raise UnsupportedMediaType(
            f"unsupported content type {kind!r}; send application/yaml, application/json "
            "or multipart/form-data"
        )
    if not upload.data.strip():
        raise UsageError("the request body is empty; send a facts file")
    return upload
