"""The status document of a job, as GET /v1/jobs/{id} answers it and callbacks post it."""

from __future__ import annotations

from typing import Any


def status_document(job_id: str, store: Any, formats: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return {id, status, links, ...} for a job: "unknown" when the store has no trace of it.

    A done job links its documents; a failed one carries its error and its problems (the
    same list the CLI prints and POST /v1/briefs answers with 422).
    """
    state = store.state(job_id) or "unknown"
    doc: dict[str, Any] = {"id": job_id, "status": state, "links": {"self": f"/v1/jobs/{job_id}"}}
    if state not in ("done", "failed"):
        return doc
    meta = store.meta(job_id)
    if meta is None:
        return doc
    if meta["state"] == "done":
        brief = meta.get("brief") or {}
        doc["brief"] = {k: brief.get(k) for k in ("slug", "title", "date", "template")}
        for fmt in sorted(set(meta["formats"]) | set(formats)):
            doc["links"][fmt] = f"/v1/jobs/{job_id}/result.{fmt}"
        doc["pages"] = meta.get("pages", {})
    else:
        doc["error"] = meta.get("error", "")
        doc["message"] = meta.get("message", "")
        doc["problems"] = meta.get("problems", [])
    return doc
