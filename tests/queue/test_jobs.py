"""The job model, the result stores and the local executor (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.build import build_brief
from reportgen.errors import FactsError
from reportgen.jobs import JobResult, RenderJob, content_hash, job_id
from reportgen.jobs.executor import LocalExecutor
from reportgen.jobs.job import BriefInfo, dependencies_hash, sha256_bytes
from reportgen.jobs.run import run_job
from reportgen.jobs.store import DiskStore, MemoryStore, RedisStore, ResultStore
from tests.queue.conftest import variant

HINDI = {
    "title": "भारत-अमेरिका महत्वपूर्ण खनिज साझेदारी",
    "slug": "hindi-brief",
}


def _facts(n: int, **meta: str) -> bytes:
    data = variant(n)
    data["meta"].update(meta)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


def test_the_job_id_is_the_build_content_hash(seed_path: Path) -> None:
    data = seed_path.read_bytes()
    job = RenderJob(data, str(seed_path)).resolved()
    assert job.template == "policy-brief"
    assert job.id == content_hash(data, "policy-brief")
    assert job.id == build_brief(seed_path, ("pdf",)).content_hash


def test_language_and_options_change_the_id_formats_do_not() -> None:
    base = RenderJob(_facts(1)).resolved()
    assert RenderJob(_facts(1), formats=("pdf",)).resolved().id == base.id
    assert RenderJob(_facts(1), language="hi").resolved().id != base.id
    assert RenderJob(_facts(1), options=(("sandboxed", True),)).resolved().id != base.id
    assert RenderJob(_facts(2)).resolved().id != base.id


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=8), st.text(max_size=8))
def test_job_id_separates_its_parts(a: str, b: str) -> None:
    deps = sha256_bytes(a.encode())
    facts = sha256_bytes(b.encode())
    assert job_id(deps, facts) != job_id(facts, deps) or deps == facts
    assert job_id(deps, facts, "en") != job_id(deps, facts, "hi")


def test_a_job_survives_its_queue_message() -> None:
    job = RenderJob(_facts(3, **HINDI), "hi.yaml", None, ("docx",), "hi", (("sandboxed", True),))
    job = job.resolved()
    again = RenderJob.from_message(job.to_message())
    assert again == job and again.id == job.id


def test_run_job_renders_hindi_and_reports_bad_facts_as_a_failed_result() -> None:
    result = run_job(RenderJob(_facts(4, **HINDI), "hi.yaml", formats=("pdf",)))
    assert result.ok and result.brief is not None and result.brief.slug == "hindi-brief"
    assert result.outputs["pdf"].startswith(b"%PDF") and result.pages["pdf"] >= 1
    bad = run_job(RenderJob(b"meta:\n  title: 5\n", "bad.yaml"))
    assert bad.state == "failed" and bad.error == "FactsError"
    assert bad.problems and all(p.file == "bad.yaml" for p in bad.problems)


def test_a_worker_with_other_templates_or_code_refuses_the_job() -> None:
    job = RenderJob(_facts(5)).resolved()
    skewed = RenderJob.from_message({**job.to_message(), "deps_hash": "0" * 64})
    result = run_job(skewed)
    assert result.state == "failed" and "differ" in result.message


def test_resolving_bad_facts_raises_their_problems() -> None:
    with pytest.raises(FactsError):
        RenderJob(b"meta: [", "broken.yaml").resolved()


def test_local_executor_keeps_the_order_of_the_jobs() -> None:
    jobs = [RenderJob(_facts(n), f"{n}.yaml", formats=("pdf",)) for n in range(4)]
    results = list(LocalExecutor(2).run(jobs))
    assert [i for i, _ in results] == [0, 1, 2, 3]
    assert [r.brief.slug for _, r in results] == [f"brief-{n:04d}" for n in range(4)]


# ---------------------------------------------------------------- stores


def _result(n: int, size: int = 10, fmt: str = "pdf") -> JobResult:
    info = BriefInfo(slug=f"s{n}", title="T", date="2026-01-01", template="policy-brief")
    return JobResult(f"{n:064x}", "done", info, {fmt: bytes([n % 256]) * size}, {fmt: 1})


def _check_store(store: ResultStore) -> None:
    first = _result(1)
    assert store.get(first.job_id, ["pdf"]) is None and store.state(first.job_id) is None
    store.set_state(first.job_id, "queued")
    assert store.state(first.job_id) == "queued"
    store.put(first)
    assert store.state(first.job_id) == "done"
    store.set_state(first.job_id, "running")  # a late copy of the job changes nothing
    assert store.state(first.job_id) == "done"
    got = store.get(first.job_id, ["pdf"])
    assert got is not None and got.outputs == first.outputs and got.brief == first.brief
    assert store.get(first.job_id, ["pdf", "docx"]) is None  # not every format is there
    store.put(_result(1, fmt="docx"))  # the other format joins the same id
    both = store.get(first.job_id, ["pdf", "docx"])
    assert both is not None and set(both.outputs) == {"pdf", "docx"}
    assert sorted(store.meta(first.job_id)["formats"]) == ["docx", "pdf"]
    bad = JobResult("f" * 64, "failed", error="FactsError", message="x")
    store.put(bad)
    assert store.get(bad.job_id, ["pdf"]).state == "failed"
    assert store.stats()["hits"] >= 3 and store.stats()["misses"] >= 2


def test_memory_store() -> None:
    _check_store(MemoryStore())


def test_disk_store(tmp_path: Path) -> None:
    _check_store(DiskStore(tmp_path))
    with pytest.raises(ValueError):
        DiskStore(tmp_path).get("../etc", ["pdf"])


def test_redis_store(redis_server) -> None:  # type: ignore[no-untyped-def]
    _check_store(RedisStore(redis_server.client(), prefix="t"))


def test_memory_store_evicts_the_least_recently_used_beyond_its_bytes() -> None:
    store = MemoryStore(max_bytes=25)
    a, b, c = _result(1), _result(2), _result(3)
    store.put(a)
    store.put(b)
    assert store.get(a.job_id, ["pdf"]) is not None  # a is now the most recent
    store.put(c)  # 30 bytes > 25: b goes
    assert store.get(b.job_id, ["pdf"]) is None
    assert store.get(a.job_id, ["pdf"]) is not None and len(store) == 2
    store.put(_result(4, size=100))  # larger than the store: not kept
    assert store.get(_result(4).job_id, ["pdf"]) is None


def test_dependencies_hash_follows_an_edited_template(tmp_path: Path) -> None:
    import shutil

    from reportgen.paths import BUNDLED_TEMPLATES

    shutil.copytree(BUNDLED_TEMPLATES / "fact-sheet", tmp_path / "fact-sheet")
    before = dependencies_hash("fact-sheet", [tmp_path])
    entry = next(p for p in (tmp_path / "fact-sheet").iterdir() if p.suffix == ".j2")
    entry.write_text(entry.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert dependencies_hash("fact-sheet", [tmp_path]) != before


WATER = """\
meta:
  title: {en: Water for Cities, hi: शहरों के लिए पानी}
  date: 2025-02-28
  languages: [en-IN, hi-IN]
key_messages:
  - {en: "The mission has {amrut}.", hi: "मिशन के पास {amrut} हैं।"}
  - {en: Cities first, hi: पहले शहर}
  - {en: Meters next, hi: फिर मीटर}
sections:
  - heading: {en: Supply, hi: आपूर्ति}
    points:
      - {en: Pipes first, hi: पहले पाइप}
budget:
  reporting_currency: INR
  programmes:
    - {id: amrut, name: {en: AMRUT, hi: अमृत}, amount: 2.99, currency: INR, scale: lakh}
""".encode()


def test_a_job_renders_the_language_it_names() -> None:
    from tests.conftest import pdf_pages_text

    english = run_job(RenderJob(WATER, "water.yaml", formats=("pdf",)))
    hindi = run_job(RenderJob(WATER, "water.yaml", formats=("pdf",), language="hi-IN"))
    assert english.ok and hindi.ok, (english.message, hindi.message)
    assert english.job_id != hindi.job_id
    assert hindi.brief.title == "शहरों के लिए पानी" and english.brief.title == "Water for Cities"
    assert hindi.brief.slug == english.brief.slug
    assert "AMRUT" in "".join(pdf_pages_text(english.outputs["pdf"]))
    assert hindi.outputs["pdf"] != english.outputs["pdf"]
    missing = run_job(RenderJob(WATER, "water.yaml", formats=("pdf",), language="ta-IN"))
    assert missing.state == "failed" and "is not one of the brief's languages" in missing.message


def test_a_diglot_is_one_job_of_its_own() -> None:
    job = RenderJob(WATER, "water.yaml", formats=("pdf",), options=(("diglot", "stacked"),))
    result = run_job(job.resolved())
    assert result.ok, result.message
    assert result.brief.stem == "water-for-cities.diglot"
    assert result.brief.languages == ("hi-IN", "en-IN")  # Hindi first
    plain = run_job(RenderJob(WATER, "water.yaml", formats=("pdf",)))
    assert result.job_id != plain.job_id and result.outputs["pdf"] != plain.outputs["pdf"]
    narrowed = RenderJob(
        WATER, "water.yaml", formats=("pdf",),
        options=(("diglot", "stacked"), ("diglot_languages", "en-IN,ta-IN")),
    )  # fmt: skip
    missing = run_job(narrowed)
    assert missing.state == "failed" and "ta-IN" in missing.message


def test_a_render_past_its_deadline_is_a_failed_result() -> None:
    result = run_job(RenderJob(_facts(6), "slow.yaml", formats=("pdf",)), timeout=0.001)
    assert result.state == "failed" and result.error == "RenderTimeout"
    assert "time limit of 0.001 s" in result.message
