"""Result stores: finished jobs kept by their id (the content hash), behind one interface.

    ResultStore        get(id, formats) / put(result) / state(id) / set_state(id, state)
    ├── MemoryStore    this process only, least-recently-used, bounded in bytes (the service)
    ├── DiskStore      a folder, shared by the processes of one machine, atomic writes
    └── RedisStore     Redis, shared by every client and worker of a queue

A store is a cache as much as a record: because ids are content hashes, a stored result is
correct for as long as it is kept, and losing it costs a render, never correctness. A result
is stored with its documents per format; `get` answers only when every format asked for is
there. States ("queued", "running", "done", "failed") let a client poll a job it handed to
a queue.
"""

from __future__ import annotations

import contextlib
import json
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportgen.jobs.job import JobResult

STATES = ("queued", "running", "done", "failed")


class ResultStore(ABC):
    """Finished jobs by id, and the state of jobs not finished yet."""

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0
        self._callbacks: dict[str, list[str]] = {}
        self._callbacks_lock = threading.Lock()

    def add_callback(self, job_id: str, url: str) -> None:
        """Remember a URL to call when the job ends (several callers may wait for one job)."""
        with self._callbacks_lock:
            urls = self._callbacks.setdefault(job_id, [])
            if url not in urls:
                urls.append(url)

    def pop_callbacks(self, job_id: str) -> list[str]:
        """Return the job's callback URLs and forget them (each is called once)."""
        with self._callbacks_lock:
            return self._callbacks.pop(job_id, [])

    @abstractmethod
    def _get(self, job_id: str, formats: Sequence[str] | None) -> JobResult | None:
        """Return the stored result with (at least) `formats`, or None."""

    @abstractmethod
    def put(self, result: JobResult) -> None:
        """Store `result` (its documents and what it says about the brief)."""

    @abstractmethod
    def state(self, job_id: str) -> str | None:
        """Return the job's state, or None when the store knows nothing of it."""

    @abstractmethod
    def meta(self, job_id: str) -> dict[str, Any] | None:
        """Return JobResult.meta() of a finished job (no documents' bytes), or None."""

    @abstractmethod
    def set_state(self, job_id: str, state: str) -> None:
        """Record the state of a job not finished yet ("queued" or "running")."""

    def get(self, job_id: str, formats: Sequence[str] | None = None) -> JobResult | None:
        """Return the stored result of `job_id` holding every format asked for, or None.

        A failed result is returned whatever the formats: it fails for all of them.
        """
        result = self._get(job_id, formats)
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def stats(self) -> dict[str, Any]:
        """Return the store's kind and its hit and miss counts."""
        return {"kind": type(self).__name__, "hits": self.hits, "misses": self.misses}


def _has(result: JobResult, formats: Sequence[str] | None) -> bool:
    """Return True when `result` answers for `formats` (a failure answers for all)."""
    return not result.ok or all(fmt in result.outputs for fmt in formats or ())


def _merged(old: JobResult | None, new: JobResult) -> JobResult:
    """Return `new` with the documents of `old` it lacks (same id: same bytes)."""
    if old is None or not old.ok or not new.ok:
        return new
    outputs = {**old.outputs, **new.outputs}
    pages = {**old.pages, **new.pages}
    return JobResult(
        new.job_id,
        new.state,
        new.brief or old.brief,
        outputs,
        pages,
        seconds=new.seconds,
        warnings=new.warnings,
    )


# ---------------------------------------------------------------- memory


class MemoryStore(ResultStore):
    """Results in this process: least recently used evicted beyond `max_bytes` of documents."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, JobResult] = OrderedDict()
        self._states: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def _size(result: JobResult) -> int:
        """Return the bytes of a result's documents."""
        return sum(len(b) for b in result.outputs.values())

    def _get(self, job_id: str, formats: Sequence[str] | None) -> JobResult | None:
        with self._lock:
            result = self._items.get(job_id)
            if result is None or not _has(result, formats):
                return None
            self._items.move_to_end(job_id)
            return result

    def put(self, result: JobResult) -> None:
        with self._lock:
            old = self._items.pop(result.job_id, None)
            if old is not None:
                self._bytes -= self._size(old)
            result = _merged(old, result)
            size = self._size(result)
            self._states.pop(result.job_id, None)
            if size > self.max_bytes:
                return  # larger than the whole store: not kept
            while self._items and self._bytes + size > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= self._size(evicted)
            self._items[result.job_id] = result
            self._bytes += size

    def state(self, job_id: str) -> str | None:
        with self._lock:
            result = self._items.get(job_id)
            return result.state if result is not None else self._states.get(job_id)

    def meta(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            result = self._items.get(job_id)
        return result.meta() if result is not None else None

    def set_state(self, job_id: str, state: str) -> None:
        with self._lock:
            if job_id in self._items:
                return  # finished: a late "running" from a redelivered copy changes nothing
            self._states[job_id] = state
            while len(self._states) > 65536:
                self._states.popitem(last=False)

    def __len__(self) -> int:
        """Return the number of results held."""
        return len(self._items)

    def stats(self) -> dict[str, Any]:
        return super().stats() | {
            "entries": len(self._items),
            "bytes": self._bytes,
            "max_bytes": self.max_bytes,
        }


# ---------------------------------------------------------------- disk


class DiskStore(ResultStore):
    """Results in a folder: `<id>/result.json` plus one file per format, written atomically.

    The documents are written before result.json, so a result.json always describes files
    that are complete; a crash between the two leaves only documents nobody points at.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = Path(folder)

    def _dir(self, job_id: str) -> Path:
        """Return the folder of one job (ids are hex: safe as names)."""
        if not job_id or not all(c in "0123456789abcdef" for c in job_id):
            raise ValueError(f"not a job id: {job_id!r}")
        return self.folder / job_id[:2] / job_id

    def _get(self, job_id: str, formats: Sequence[str] | None) -> JobResult | None:
        folder = self._dir(job_id)
        try:
            meta = json.loads((folder / "result.json").read_text(encoding="utf-8"))
            if meta["state"] != "done":
                return JobResult.from_meta(meta, {})
            wanted = formats if formats is not None else meta["formats"]
            outputs = {fmt: (folder / f"document.{fmt}").read_bytes() for fmt in wanted}
        except (OSError, ValueError, KeyError):
            return None
        return JobResult.from_meta(meta, outputs)

    def put(self, result: JobResult) -> None:
        from reportgen.fileio import write_atomic, write_text_atomic

        folder = self._dir(result.job_id)
        old = self._get(result.job_id, None)
        result = _merged(old, result)
        for fmt, data in result.outputs.items():
            write_atomic(folder / f"document.{fmt}", data)
        write_text_atomic(folder / "result.json", json.dumps(result.meta(), sort_keys=True))
        with contextlib.suppress(OSError):
            (folder / "state").unlink()

    def state(self, job_id: str) -> str | None:
        folder = self._dir(job_id)
        try:
            return json.loads((folder / "result.json").read_text(encoding="utf-8"))["state"]
        except (OSError, ValueError, KeyError):
            pass
        try:
            return (folder / "state").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def meta(self, job_id: str) -> dict[str, Any] | None:
        try:
            text = (self._dir(job_id) / "result.json").read_text(encoding="utf-8")
            return json.loads(text)
        except (OSError, ValueError):
            return None

    def set_state(self, job_id: str, state: str) -> None:
        from reportgen.fileio import write_text_atomic

        if self.meta(job_id) is not None:
            return  # finished: a late "running" from a redelivered copy changes nothing
        write_text_atomic(self._dir(job_id) / "state", state)


# ---------------------------------------------------------------- redis


class RedisStore(ResultStore):
    """Results in Redis: one hash per job (`meta` and `doc:<format>` fields), kept `ttl` s.

    `client` is a redis.Redis; keys live under `prefix`. A job's state has its own key, so
    polling a job reads a few bytes, not its documents.
    """

    def __init__(self, client: Any, prefix: str = "reportgen", ttl: int = 7 * 86400) -> None:
        super().__init__()
        self.client = client
        self.prefix = prefix
        self.ttl = ttl

    def _key(self, job_id: str) -> str:
        return f"{self.prefix}:result:{job_id}"

    def _state_key(self, job_id: str) -> str:
        return f"{self.prefix}:state:{job_id}"

    def _get(self, job_id: str, formats: Sequence[str] | None) -> JobResult | None:
        key = self._key(job_id)
        raw_meta = self.client.hget(key, "meta")
        if raw_meta is None:
            return None
        meta = json.loads(raw_meta)
        if meta["state"] != "done":
            return JobResult.from_meta(meta, {})
        wanted = list(formats) if formats is not None else list(meta["formats"])
        if not wanted:
            return JobResult.from_meta(meta, {})
        values = self.client.hmget(key, [f"doc:{fmt}" for fmt in wanted])
        if any(v is None for v in values):
            return None
        return JobResult.from_meta(meta, dict(zip(wanted, values, strict=True)))

    def put(self, result: JobResult) -> None:
        key = self._key(result.job_id)
        old_meta = self.client.hget(key, "meta")
        meta = result.meta()
        if old_meta is not None and result.ok:
            old = json.loads(old_meta)
            if old.get("state") == "done":
                meta["formats"] = sorted(set(old["formats"]) | set(meta["formats"]))
                meta["pages"] = {**old.get("pages", {}), **meta["pages"]}
        fields: dict[str, Any] = {f"doc:{fmt}": data for fmt, data in result.outputs.items()}
        fields["meta"] = json.dumps(meta, sort_keys=True)
        with self.client.pipeline() as pipe:  # MULTI/EXEC: readers see all of it or none
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self.ttl)
            pipe.set(self._state_key(result.job_id), result.state, ex=self.ttl)
            pipe.execute()

    def state(self, job_id: str) -> str | None:
        value = self.client.get(self._state_key(job_id))
        return value.decode() if isinstance(value, bytes) else value

    def meta(self, job_id: str) -> dict[str, Any] | None:
        raw = self.client.hget(self._key(job_id), "meta")
        return json.loads(raw) if raw is not None else None

    def _callbacks_key(self, job_id: str) -> str:
        return f"{self.prefix}:callbacks:{job_id}"

    def add_callback(self, job_id: str, url: str) -> None:
        key = self._callbacks_key(job_id)
        with self.client.pipeline() as pipe:
            pipe.sadd(key, url)
            pipe.expire(key, self.ttl)
            pipe.execute()

    def pop_callbacks(self, job_id: str) -> list[str]:
        key = self._callbacks_key(job_id)
        with self.client.pipeline() as pipe:  # MULTI/EXEC: two poppers never share a URL
            pipe.smembers(key)
            pipe.delete(key)
            members, _ = pipe.execute()
        return sorted(m.decode() if isinstance(m, bytes) else m for m in members)

    def set_state(self, job_id: str, state: str) -> None:
        # Atomically: a finished job's state is never set back (a redelivered copy of a job
        # that another worker already finished must not make it look "running" again).
        self.client.eval(_SET_STATE, 1, self._state_key(job_id), state, self.ttl)


_SET_STATE = """
local current = redis.call('get', KEYS[1])
if current == 'done' or current == 'failed' then return 0 end
redis.call('set', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
