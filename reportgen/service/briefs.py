"""Documents on demand: look in the cache, else render once, whoever else is asking.

Keys are `<content hash>.<format>`, where the content hash covers the facts bytes, the
template files, theme, fonts and reportgen's code (reportgen.build.content_hash); so an
edited facts file or template misses the cache and is rendered again, while identical
requests are served from memory. Identical requests arriving together share one render.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportgen.errors import TemplateError, UsageError
from reportgen.service.cache import CachedDocument, DocumentCache
from reportgen.service.fingerprint import Fingerprints
from reportgen.service.rendering import Rendered, Renderer, RenderRequest, render_in_worker
from reportgen.writers import MEDIA_TYPES

# Facts -> template entries kept at least (more while the cache holds more documents).
OWN_TEMPLATES = 4096
TEMPLATE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


# A request's language: (?lang=, Accept-Language), either may be None; None for neither.
Language = tuple[str | None, str | None] | None


class UnknownTemplate(TemplateError):
    """No template has the name asked for (HTTP 404)."""


def check_format(fmt: str) -> str:
    """Return `fmt` when it is a format the service renders; UsageError (400) otherwise."""
    if fmt not in MEDIA_TYPES:
        raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(MEDIA_TYPES)}")
    return fmt


def make_etag(content_hash: str, fmt: str) -> str:
    """Return the strong ETag of one format of one brief."""
    return f'"{content_hash}.{fmt}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Return True when an If-None-Match header names `etag` (weakly compared) or is `*`."""
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


class BriefService:
    """Rendered documents for facts bytes, through a cache and a render pool."""

    def __init__(
        self, renderer: Renderer, cache: DocumentCache, templates_dirs: Sequence[Path]
    ) -> None:
        self.renderer = renderer
        self.cache = cache
        self.templates_dirs = tuple(Path(d) for d in templates_dirs)
        self.fingerprints = Fingerprints(self.templates_dirs)
        self._inflight: dict[str, asyncio.Future[CachedDocument]] = {}
        # facts sha256 -> the template their meta names, learnt from renders; lets a repeat
        # request without ?template= find its cache entry without parsing the facts again.
        self._own_template: OrderedDict[str, str] = OrderedDict()

    def template_names(self) -> list[str]:
        """Return the names of every template the service can use."""
        return self.fingerprints.template_names()

    def check_template(self, name: str | None) -> str | None:
        """Return `name` when it is None or a known template; UnknownTemplate (404) otherwise."""
        if name is None or name == "":
            return None
        if TEMPLATE_NAME.fullmatch(name) is None or name not in self.template_names():
            raise UnknownTemplate(f"unknown template {name!r}")
        return name

    def known_key(
        self, facts: bytes, fmt: str, template: str | None, language: Language = None
    ) -> str | None:
        """Return the cache key of a request when it can be told without parsing, else None.

        `language` is the request's (?lang=, Accept-Language): which of the brief's languages
        it gets is a function of the facts and these two, so they join the key as asked.
        """
        name = template or self._own_template_of(facts)
        if name is None:
            return None
        try:
            digest = self.fingerprints.content_hash(facts, name)
        except TemplateError:
            return None  # the template went away: render, and report it properly
        if language and any(language):
            asked = f"{digest}|lang={language[0] or ''}|accept={language[1] or ''}"
            digest = hashlib.sha256(asked.encode()).hexdigest()
        return f"{digest}.{fmt}"

    def etag_for_key(self, key: str) -> str:
        """Return the ETag of the document stored under cache key `key`."""
        digest, fmt = key.rsplit(".", 1)
        return make_etag(digest, fmt)

    async def document(
        self,
        facts: bytes,
        filename: str,
        fmt: str,
        template: str | None,
        key: Any = ...,
        language: Language = None,
    ) -> tuple[CachedDocument, bool]:
        """Return (the document, whether it came from the cache), rendering it when needed.

        `key` is the request's known_key when the caller has already computed it;
        `language` is (?lang=, Accept-Language) of the request, or None for the first language.
        """
        if key is ...:
            key = self.known_key(facts, fmt, template, language)
        if key is not None:
            cached = self.cache.get(key)
            if cached is not None:
                return cached, True
            pending = self._inflight.get(key)
            if pending is not None:
                return await asyncio.shield(pending), True
        wanted, accept = language or (None, None)
        job = RenderRequest(
            facts, filename, fmt, template, self.templates_dirs,
            language=wanted, accept_language=accept,
        )  # fmt: skip
        if key is None:
            self.cache.count_miss()
            return await self._render(job, None), False
        future: asyncio.Future[CachedDocument] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            doc = await self._render(job, key)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark it retrieved: nobody else may be waiting
            raise
        finally:
            self._inflight.pop(key, None)
        future.set_result(doc)
        return doc, False

    async def _render(self, job: RenderRequest, key: str | None) -> CachedDocument:
        """Render `job` in the pool, store the result in the cache and return it.

        The key is always computed here, in the process that will look it up again: a key
        from the render worker could differ (another process, perhaps another code version).
        """
        result: Rendered = await self.renderer.run(render_in_worker, job)
        if job.template is None:
            self._learn_template(job.facts, result.template)
        if key is None:
            asked = (job.language, job.accept_language)
            key = self.known_key(job.facts, job.fmt, result.template, asked)
        if key is None:  # the template went away meanwhile: send it, but do not keep it
            etag = make_etag(hashlib.sha256(result.body).hexdigest(), result.fmt)
        else:
            etag = self.etag_for_key(key)
        doc = CachedDocument(
            body=result.body,
            fmt=result.fmt,
            slug=result.slug,
            title=result.title,
            etag=etag,
            pages=result.pages,
            language=result.language,
            name=result.name,
        )
        if key is not None:
            self.cache.put(key, doc)
        return doc

    def _own_template_of(self, facts: bytes) -> str | None:
        """Return the template facts were found to name, now the most recently used; or None."""
        digest = hashlib.sha256(facts).hexdigest()
        name = self._own_template.get(digest)
        if name is not None:
            self._own_template.move_to_end(digest)
        return name

    def _learn_template(self, facts: bytes, template: str | None) -> None:
        """Remember which template facts name themselves (least recently used forgotten).

        Every request without ?template= touches this map and the cache alike, so facts
        whose document is still cached were used more recently than all but fewer than
        len(cache) others: keeping more entries than the cache holds documents means a
        cached document is always found (a cache hit never waits for a render, or gets 429).
        """
        if template is None:
            return
        digest = hashlib.sha256(facts).hexdigest()
        self._own_template[digest] = template
        self._own_template.move_to_end(digest)
        while len(self._own_template) > max(OWN_TEMPLATES, 2 * len(self.cache) + 1):
            self._own_template.popitem(last=False)
