"""The `reportgen` command line: build, validate, schema, templates, serve, schedule, publish, mail.

Commands only parse options and call the library. User errors (bad facts, unknown template,
bad options) print a clear message and exit 2 with no traceback; anything else is a bug in
reportgen and exits 1 with the traceback, so it can be reported.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from reportgen import __version__
from reportgen.errors import FactsError, Problem, UserError
from reportgen.gcpolicy import collect_less_often
from reportgen.installhint import missing_part_message
from reportgen.service.options import serve_options

FORMAT_CHOICES = click.Choice(["pdf", "docx", "all"], case_sensitive=False)

# Exit statuses, the same for every command (the group's --help lists them).
EXIT_OK, EXIT_BUG, EXIT_USER, EXIT_SKIPPED, EXIT_SOME_FAILED = 0, 1, 2, 3, 4
EXIT_CODES = """\b
Exit status:
  0  success
  1  a bug in reportgen (the traceback is printed; please report it)
  2  a user error: invalid facts, unknown template, bad option, missing library;
     the message names the file, line and field, and nothing is half-written
  3  skipped: another run holds the output folder's lock
  4  build --keep-going: some briefs failed, the others were built"""


def _epilog(*examples: str) -> str:
    """Return a command's help epilog: its examples, then the exit statuses."""
    lines = "\n".join(f"  {example}" for example in examples)
    return f"\b\nExamples:\n{lines}\n\n{EXIT_CODES}"


def _formats(fmt: str) -> tuple[str, ...]:
    """Return the formats named by a --format value."""
    return ("pdf", "docx") if fmt.lower() == "all" else (fmt.lower(),)


def _templates_option(func: click.decorators.FC) -> click.decorators.FC:
    """Add the repeatable --templates DIR option (user template folders, searched first)."""
    return click.option(
        "--templates",
        "templates_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A folder of your own templates, searched before the bundled ones (repeatable).",
    )(func)


def _from_option(help_text: str) -> Callable[[click.decorators.FC], click.decorators.FC]:
    """Return the --from DIR option (a folder of built briefs, default ./output)."""
    return click.option(
        "--from",
        "from_dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help=help_text,
    )


def _log_format_option(func: click.decorators.FC) -> click.decorators.FC:
    """Add --log-format text|json (also REPORTGEN_LOG_FORMAT) and set logging up with it."""

    def configure(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value:
            import os

            from reportgen.logs import configure_logging

            os.environ["REPORTGEN_LOG_FORMAT"] = value  # for uvicorn and worker processes
            configure_logging(value)
        return value

    return click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        envvar="REPORTGEN_LOG_FORMAT",
        callback=configure,
        expose_value=False,
        is_eager=True,
        help="Log lines as text, or as JSON objects with request and job ids.",
    )(func)


def _print_problems(problems: Sequence[Problem]) -> None:
    """Print problems to stderr, one per line, errors before warnings."""
    for problem in sorted(problems, key=lambda p: (p.severity != "error", p)):
        click.echo(str(problem), err=True)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Policy briefs from structured facts: YAML through Jinja2 templates into Word and PDF."""


# ---------------------------------------------------------------- build


def _default_inputs() -> tuple[list[Path], str | None]:
    """Return the facts to build with no argument, and a note when it is the bundled example."""
    local = Path("facts")
    if local.is_dir():
        return [local], None
    from reportgen.paths import EXAMPLE_FACTS

    return [EXAMPLE_FACTS], "No ./facts folder here: building the bundled example brief."


def _progress_printer(stream_is_tty: bool):  # type: ignore[no-untyped-def]
    """Return (callback, close): a rich progress bar on a terminal, plain log lines elsewhere."""
    if stream_is_tty:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
        )
        task = bar.add_task("building", total=None)
        bar.start()

        def update(event: str, path: Path, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"{event} {path.name}")

        return update, bar.stop

    def log(event: str, path: Path, done: int, total: int) -> None:
        click.echo(f"[{done}/{total}] {event} {path}", err=True)

    return log, lambda: None


@cli.command(
    epilog=_epilog(
        "reportgen build",
        "reportgen build facts/x.yaml --format pdf --out dist/",
        "reportgen build facts --out output -q --keep-going",
        "reportgen build facts/x.yaml --lang hi-IN",
        "reportgen build facts/x.yaml --diglot columns",
        "reportgen build facts --reference-docx house.docx",
    )
)
@click.argument("facts", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=FORMAT_CHOICES,
    default="all",
    show_default=True,
    help="Which files to write: pdf, docx, or all (both).",
)
@click.option("--template", help="Template name (default: the one the facts name).")
@_templates_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Output folder.",
)
@click.option("--force", is_flag=True, help="Rebuild every brief, even those up to date.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: cores).")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@click.option(
    "--keep-going",
    "-k",
    is_flag=True,
    help="Some briefs failing is expected: exit 4 (not 2) when some failed, so a script "
    "can tell that from a bad command and go on to publish what was built.",
)
@click.option(
    "--docx-page-numbers",
    is_flag=True,
    help="Lay each DOCX out with LibreOffice to put checked page numbers in its contents list.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="A brief outside its template's page budget (pages: {min, max}) fails instead of "
    "being built with a warning.",
)
@click.option(
    "--reference-docx",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="A Word file (.docx) whose styles, theme colours and fonts, header, footer, page size"
    " and margins every brief takes, in the DOCX (and the PDF's sizes, colours and page);"
    " start from `reportgen reference-docx > house.docx`.",
)
@click.option(
    "--lang",
    "languages",
    multiple=True,
    metavar="LANG",
    help="Build only this one of each brief's languages (repeatable; default: all of"
    " meta.languages, <slug>.pdf for the first, <slug>.hi.pdf ... for the others).",
)
@click.option(
    "--diglot",
    type=click.Choice(["stacked", "columns"]),
    is_flag=False,
    flag_value="stacked",
    default=None,
    help="Write one document holding every language, section by section: Hindi first, then"
    " English (stacked, the default) or side by side (columns); named <slug>.diglot.pdf.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Seconds one brief may take to render; past it the brief fails (0: no limit).",
)
@click.option(
    "--broker",
    metavar="URL",
    help="Render on `reportgen worker` processes through this Redis queue "
    "(redis://HOST:6379/0) instead of on this machine.",
)
@click.option(
    "--no-embed-facts",
    is_flag=True,
    help="Leave the facts file out of the PDF (by default the PDF carries it, and "
    "`reportgen facts BRIEF.pdf` gives it back); for briefs whose facts must not travel.",
)
@_log_format_option
def build(
    facts: tuple[Path, ...],
    fmt: str,
    template: str | None,
    templates_dirs: tuple[Path, ...],
    out_dir: Path,
    force: bool,
    jobs: int | None,
    quiet: bool,
    keep_going: bool,
    docx_page_numbers: bool,
    strict: bool,
    reference_docx: Path | None,
    languages: tuple[str, ...],
    diglot: str | None,
    timeout: float,
    broker: str | None,
    no_embed_facts: bool,
) -> None:
    """Build briefs from FACTS files or folders (default: ./facts) into --out.

    Only briefs whose facts, template, theme, fonts or reportgen changed are rebuilt.
    One brief that fails never stops the others: every brief that can be built is built
    and every failure is reported. The exit status is then 2, or 4 with --keep-going.
    With --broker, the renders run on worker processes anywhere; the outputs, the
    manifest, the progress and the exit code are those of a local build.
    """
    from reportgen.build import build_folder
    from reportgen.writers.docx.package import source_date_epoch

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build before it starts
    inputs: list[Path] = list(facts)
    if not inputs:
        inputs, note = _default_inputs()
        if note:
            click.echo(note, err=True)
    for path in inputs:
        if not path.exists():
            raise UserError(f"{path}: no such facts file or folder")
    executor = None
    if broker:
        from reportgen.jobs.executor import QueueExecutor

        executor = QueueExecutor(broker)  # BrokerUnavailable (exit 2) when unreachable
    progress, close = (None, lambda: None) if quiet else _progress_printer(sys.stderr.isatty())
    try:
        # build_folder holds the output folder's lock (shared with scheduled builds, publish).
        report = build_folder(
            inputs,
            out_dir,
            _formats(fmt),
            template,
            templates_dirs,
            force=force,
            jobs=jobs,
            progress=progress,
            docx_page_numbers=docx_page_numbers,
            strict=strict,
            languages=languages,
            diglot=diglot or False,
            timeout=timeout,
            executor=executor,
            reference_docx=reference_docx,
            embed_facts=not no_embed_facts,
        )
    finally:
        close()
        if executor is not None:
            executor.close()
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for record in report.built:
        pages = f"{record.pages} page{'' if record.pages == 1 else 's'}, " if record.pages else ""
        click.echo(f"{out_dir / record.path}  ({pages}{_size(record.bytes)})")
    if report.up_to_date:
        click.echo(f"{report.up_to_date} brief(s) up to date (use --force to rebuild them)")
    for path, message in report.failed:
        if not any(p.file == str(path) for p in report.problems):
            click.echo(message, err=True)
    _print_problems(report.problems)
    if report.failed:
        rest = "; the others were built" if report.built or report.up_to_date else ""
        click.echo(f"{len(report.failed)} brief(s) failed{rest}.", err=True)
        sys.exit(EXIT_SOME_FAILED if keep_going else EXIT_USER)
    sys.exit(report.exit_code)


@cli.command(
    "facts",
    epilog=_epilog(
        "reportgen facts output/x.pdf",
        "reportgen facts output/x.pdf -o recovered/",
        "reportgen facts output/x.pdf -o x.yaml && reportgen build x.yaml",
    ),
)
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(),
    help="Write the facts to this file, or into this folder (an existing one, or a name "
    "ending in /) under the name stored in the PDF (<slug>.yaml); default: print them.",
)
def facts_command(pdf: Path, out: str | None) -> None:
    """Give back the facts file a brief's PDF was built from (it travels inside the PDF).

    Building from these facts, with the same template and reportgen, gives the same PDF
    byte for byte. Exit status 2 when the PDF carries no facts (built with
    --no-embed-facts or a theme that leaves them out) or is not a PDF.
    """
    from reportgen.fileio import write_atomic
    from reportgen.pdffacts import read_embedded_facts

    found = read_embedded_facts(pdf)
    if out is None:
        sys.stdout.buffer.write(found.data)
        sys.stdout.buffer.flush()
        return
    folder = out.endswith(("/", os.sep)) or Path(out).is_dir()
    target = Path(out) / found.name if folder else Path(out)
    try:
        write_atomic(target, found.data)
    except OSError as exc:
        raise UserError(f"{target}: cannot write ({exc.strerror or exc})") from None
    click.echo(f"{target}  ({_size(len(found.data))})", err=True)


def _size(n: int) -> str:
    """Return a byte count as a short human size ("48.2 KB")."""
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------- init


@cli.command(
    epilog=_epilog("reportgen init briefs && cd briefs && reportgen build", "reportgen init .")
)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def init(folder: Path) -> None:
    """Start a project in FOLDER (default: here): a facts file to edit, a template to change.

    Writes a commented facts file on a placeholder subject that validates and builds, its
    JSON Schema for editors, a copy of the policy-brief template (my-brief), a schedule, a
    README and a .gitignore. Refuses, writing nothing, if any of them exists.
    """
    from reportgen.scaffold import FACTS_NAME, init_project

    for path in init_project(folder):
        click.echo(f"created {path}")
    where = "" if folder == Path(".") else f"cd {folder} && "
    click.echo(
        f"\nNext: {where}reportgen preview {FACTS_NAME}   (or: reportgen build; see README.md)"
    )


@cli.command(
    epilog=_epilog(
        "reportgen preview facts/x.yaml",
        "reportgen preview facts/x.yaml --templates templates --port 0 --no-open",
    )
)
@click.argument("facts", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", help="Template name (default: the one the facts name).")
@_templates_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address of the preview page.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port of the preview page; 0 picks a free one.",
)
@click.option(
    "--open/--no-open",
    "open_browser",
    default=True,
    show_default=True,
    help="Open the page in the default browser.",
)
def preview(
    facts: Path,
    template: str | None,
    templates_dirs: tuple[Path, ...],
    host: str,
    port: int,
    open_browser: bool,
) -> None:
    """Show FACTS as PDF pages in a browser, rebuilt on every save of the facts or template.

    While the facts are invalid the page lists the problems with the lines around them and
    keeps the last good pages. Nothing is written to disk. Ctrl-C stops it.
    """
    from reportgen.preview import run_preview

    def say(line: str) -> None:
        click.echo(line, err=True)

    run_preview(facts, template, templates_dirs, host, port, open_browser, announce=say)


# ---------------------------------------------------------------- validate, schema, templates


@cli.command(
    epilog=_epilog("reportgen validate facts/*.yaml", "reportgen validate --format json x.yaml")
)
@click.argument("facts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Treat warnings as errors (such as a text lacking one of meta.languages): exit 2.",
)
@_templates_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one problem a line (file:line: path: message); json: one document with each "
    "file's problems as /v1/validate gives them, for editors and CI.",
)
def validate(
    facts: tuple[Path, ...],
    strict: bool,
    templates_dirs: tuple[Path, ...],
    output_format: str,
) -> None:
    """Check FACTS files; print every problem, or a one-line summary of each valid file.

    The template each file names (meta.template) must exist, here or in --templates.
    Warnings (a source never cited, a text missing in one of the brief's languages) are
    printed with `warning:`; with --strict they are errors.
    """
    from dataclasses import replace

    from reportgen.facts import summary_line, validate_paths
    from reportgen.templating import template_problems

    failed = False
    results = []
    for path, loaded, problems in validate_paths(list(facts)):
        if loaded is not None:
            problems = [*template_problems(loaded, templates_dirs), *problems]
        if strict:
            problems = [replace(p, severity="error") for p in problems]
        ok = loaded is not None and not any(p.severity == "error" for p in problems)
        failed = failed or not ok
        if output_format == "json":
            results.append(_validation_json(path, loaded if ok else None, problems))
            continue
        _print_problems(problems)
        if ok:
            click.echo(summary_line(loaded))
    if output_format == "json":
        click.echo(
            json.dumps({"valid": not failed, "files": results}, indent=2, ensure_ascii=False)
        )
    sys.exit(2 if failed else 0)


def _validation_json(path: Path, facts: Any, problems: Sequence[Problem]) -> dict[str, Any]:
    """Return one file's validation as JSON data: identity when valid, problems, warnings."""
    result: dict[str, Any] = {"file": str(path), "valid": facts is not None}
    if facts is not None:
        meta = facts.meta
        result |= {
            "slug": meta.slug,
            "title": str(meta.title),
            "date": meta.date.isoformat(),
            "template": meta.template,
        }
    ordered = sorted(problems, key=lambda p: (p.line or 0, p.path))
    result["problems"] = [p.to_dict() for p in ordered if p.severity == "error"]
    result["warnings"] = [p.to_dict() for p in ordered if p.severity != "error"]
    return result


@cli.command(epilog=_epilog("reportgen schema > facts.schema.json"))
def schema() -> None:
    """Print the JSON Schema of facts files (for editors' YAML language servers)."""
    from reportgen.facts import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@cli.command(
    "reference-docx",
    epilog=_epilog(
        "reportgen reference-docx > house.docx", "reportgen reference-docx -o house.docx"
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the file here instead of to standard output.",
)
def reference_docx(output: Path | None) -> None:
    """Write the house reference .docx: every style a brief uses, to restyle in Word.

    Change its styles (Modify Style), page setup, header and footer, theme colours and
    fonts in Word or LibreOffice, save it as .docx, and build with --reference-docx FILE
    (or `reference_docx: FILE` in a template.yaml or a schedule job).
    """
    from reportgen.fileio import write_atomic
    from reportgen.housedocx import reference_docx_bytes

    data = reference_docx_bytes()
    if output is not None:
        write_atomic(output, data)
        return
    if sys.stdout.isatty():
        raise UserError(
            "will not write a .docx to a terminal: reportgen reference-docx > house.docx"
        )
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@cli.command(epilog=_epilog("reportgen templates", "reportgen templates --templates my-templates"))
@_templates_option
def templates(templates_dirs: tuple[Path, ...]) -> None:
    """List the templates, one per line: name, where it comes from, description."""
    from reportgen.templating import list_templates

    for info in list_templates(list(templates_dirs)):
        click.echo(f"{info.name:<16} {info.source:<8} {info.description}")


# ---------------------------------------------------------------- serve, schedule, publish, mail


@cli.command(
    epilog=_epilog(
        "reportgen serve --port 8000",
        "reportgen serve --facts-dir facts --render-timeout 60 --max-queue 32",
    )
)
@serve_options
def serve(**options: Any) -> None:
    """Run the HTTP service (FastAPI under uvicorn): briefs on demand and an upload page.

    Takes the options of `python -m reportgen.service`; each can also be set as a
    REPORTGEN_* environment variable.
    """
    from reportgen.service import run
    from reportgen.service.options import given

    options = given(options)
    if "facts_dir" not in options:
        inputs, note = _default_inputs()
        options["facts_dir"] = inputs[0]
        if note:
            click.echo("No ./facts folder here: serving the bundled example brief.", err=True)
    run(**options)


@cli.command(
    epilog=_epilog(
        "reportgen worker --broker redis://127.0.0.1:6379/0",
        "reportgen worker --broker redis://queue.internal:6379/0 --processes 4 --log-format json",
    )
)
@click.option(
    "--broker",
    metavar="URL",
    envvar="REPORTGEN_BROKER",
    required=True,
    help="The Redis queue to take jobs from (redis://HOST:6379/0; or REPORTGEN_BROKER).",
)
@click.option(
    "--processes",
    "-p",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes, each rendering one brief at a time (about one per core).",
)
@_log_format_option
def worker(broker: str, processes: int) -> None:
    """Render the queue's jobs (from `build --broker` and `serve --broker`) until stopped."""
    from reportgen.jobs.worker import run_workers

    sys.exit(run_workers(broker, processes))


@cli.command(
    epilog=_epilog("reportgen schedule schedule.yaml", "reportgen schedule --run-now daily")
)
@click.argument(
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("schedule.yaml"),
)
@click.option("--run-now", "run_now", metavar="JOB", help="Run one job now and exit.")
def schedule(config: Path, run_now: str | None) -> None:
    """Run the scheduled build jobs of CONFIG (default: schedule.yaml)."""
    from reportgen.schedule import run_job_now, run_scheduler

    if run_now:
        record = run_job_now(config, run_now)
        click.echo(str(record))
        codes = {"ok": 0, "unchanged": 0, "skipped": 3}
        sys.exit(codes.get(record.status, 2))
    sys.exit(run_scheduler(config))


@cli.command(epilog=_epilog("reportgen history", "reportgen history schedule.yaml --limit 5"))
@click.argument(
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("schedule.yaml"),
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many of the latest runs to show.",
)
def history(config: Path, limit: int) -> None:
    """Show past scheduled runs of CONFIG, newest first.

    Columns: start and end (UTC), job, trigger, status, briefs built, skipped and failed,
    duration; a run's errors are indented beneath it.
    """
    from reportgen.schedule import format_history
    from reportgen.schedule import history as read_history

    click.echo(format_history(read_history(config, limit=limit)))


@cli.command(
    epilog=_epilog(
        "reportgen publish --from output --dist public",
        "reportgen publish --dist /var/www/briefs --base-url https://briefs.example.org/",
    )
)
@_from_option("The build output folder.")
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to publish into (served by your web server).",
)
@click.option("--base-url", help="Public URL of DIST; makes feed links and ids absolute.")
@click.option("--title", help="Title of the index page and the feed.")
def publish(from_dir: Path, dist: Path, base_url: str | None, title: str | None) -> None:
    """Publish built briefs into DIST: stable and dated copies, index.html, feed.xml, SHA256SUMS."""
    from reportgen.publish import publish as do_publish

    click.echo(str(do_publish(from_dir, dist, base_url=base_url, title=title)))


@cli.command(
    epilog=_epilog(
        "reportgen mail --to recipients.csv --dry-run",
        "REPORTGEN_SMTP_HOST=smtp.example.org reportgen mail --to recipients.csv --from public",
    )
)
@click.option(
    "--to",
    "recipients",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="CSV of recipients (email, name, briefs).",
)
@click.option("--brief", help="Send only this brief (slug).")
@_from_option("Folder of built or published briefs.")
@click.option("--docx", "attach_docx", is_flag=True, help="Attach the DOCX too.")
@click.option("--dry-run", is_flag=True, help="Send nothing; list what would be sent.")
@click.option(
    "--base-url",
    help="Public URL of the published folder; messages link to each PDF there (default: "
    "the URL a dist folder was published under).",
)
def mail(
    recipients: Path,
    brief: str | None,
    from_dir: Path,
    attach_docx: bool,
    dry_run: bool,
    base_url: str | None,
) -> None:
    """Mail each brief's PDF to the recipients over SMTP (settings from REPORTGEN_SMTP_*)."""
    from reportgen.mail import send_briefs

    report = send_briefs(
        recipients,
        from_dir,
        brief=brief,
        dry_run=dry_run,
        attach_docx=attach_docx,
        base_url=base_url,
    )
    click.echo(str(report))
    sys.exit(0 if not getattr(report, "failed", None) else 2)


# ---------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; map user errors to exit 2 and bugs to exit 1."""
    collect_less_often()
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except FactsError as exc:
        _print_problems(exc.problems)
        sys.exit(2)
    except UserError as exc:
        # Most user errors exit 2; a folder locked by another run exits 3 ("skipped").
        click.echo(f"error: {exc}", err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        sys.exit(130)
    except ModuleNotFoundError as exc:
        message = missing_part_message(exc)
        if message is None:
            _report_bug()
        click.echo(f"error: {message}", err=True)
        sys.exit(EXIT_USER)
    except Exception:
        _report_bug()
    sys.exit(0)


def _report_bug() -> None:
    """Print the traceback of the exception being handled as a bug report; exit 1."""
    traceback.print_exc()
    click.echo(
        f"internal error in reportgen {__version__}: this is a bug, please report it "
        "with the traceback above",
        err=True,
    )
    sys.exit(EXIT_BUG)


if __name__ == "__main__":
    main()
