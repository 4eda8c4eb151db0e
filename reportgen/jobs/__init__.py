"""Render jobs: one job model, one result store interface, one executor interface.

How a job flows:

    RenderJob(facts bytes, template, formats, language, options)      reportgen.jobs.job
      .resolved()  names the template, hashes its dependencies; .id is the content hash
    Executor.run(jobs) -> (index, JobResult) in order                 reportgen.jobs.executor
      LocalExecutor: this process or a process pool  -> run_job       reportgen.jobs.run
      QueueExecutor: Dramatiq message on Redis -> `reportgen worker`  reportgen.jobs.queue
                     -> run_job -> RedisStore.put -> notify the client
    ResultStore.get(id, formats) / put(result)                        reportgen.jobs.store
      MemoryStore (service cache), DiskStore (a folder), RedisStore (shared by a queue)
    the caller writes what the job gave: build_folder the files and the manifest, the
    service its answers (/v1/briefs at once, /v1/jobs later, callbacks signed)
"""

from reportgen.jobs.job import BriefInfo, JobResult, RenderJob, content_hash, job_id

__all__ = ["BriefInfo", "JobResult", "RenderJob", "content_hash", "job_id"]
