"""The `reportgen` command line: build, validate, schema, templates, serve, schedule, publish, mail.

Commands only parse options and call the library. User errors (bad facts, unknown template,
bad options) print a clear message and exit 2 with no traceback; anything else is a bug in
reportgen and exits 1 with the traceback, so it can be reported.
"""

from __future__ import annotations

import contextlib
import json
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import click

from reportgen import __version__
from reportgen.errors import FactsError, Problem, UserError

FORMAT_CHOICES = click.Choice(["pdf", "docx", "all"], case_sensitive=False)


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


def _print_problems(problems: Sequence[Problem]) -> None:
    """Print problems to stderr, one per line, errors before warnings."""
    for problem in sorted(problems, key=lambda p: (p.severity != "error", p)):
        click.echo(str(problem), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


@contextlib.contextmanager
def _output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock (shared with scheduled builds) while building."""
    try:
        from reportgen.schedule.lock import output_lock
    except ImportError:
        yield
        return
    with output_lock(out_dir):
        yield


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


@cli.command()
@click.argument("facts", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=FORMAT_CHOICES, default="all", show_default=True)
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
def build(
    facts: tuple[Path, ...],
    fmt: str,
    template: str | None,
    templates_dirs: tuple[Path, ...],
    out_dir: Path,
    force: bool,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Build briefs from FACTS files or folders (default: ./facts) into --out.

    Only briefs whose facts, template, theme, fonts or reportgen changed are rebuilt.
    """
    from reportgen.build import build_folder

    inputs: list[Path] = list(facts)
    if not inputs:
        inputs, note = _default_inputs()
        if note:
            click.echo(note, err=True)
    for path in inputs:
        if not path.exists():
            raise UserError(f"{path}: no such facts file or folder")
    progress, close = (None, lambda: None) if quiet else _progress_printer(sys.stderr.isatty())
    try:
        with _output_lock(out_dir):
            report = build_folder(
                inputs,
                out_dir,
                _formats(fmt),
                template,
                templates_dirs,
                force=force,
                jobs=jobs,
                progress=progress,
            )
    finally:
        close()
    for record in report.built:
        pages = f"{record.pages} pages, " if record.pages else ""
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
    sys.exit(report.exit_code)


def _size(n: int) -> str:
    """Return a byte count as a short human size ("48.2 KB")."""
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------- validate, schema, templates


@cli.command()
@click.argument("facts", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(facts: tuple[Path, ...]) -> None:
    """Check FACTS files; print every problem, or a one-line summary of each valid file."""
    from reportgen.facts import summary_line, validate_paths

    failed = False
    for _path, loaded, problems in validate_paths(list(facts)):
        _print_problems(problems)
        if loaded is None or any(p.severity == "error" for p in problems):
            failed = True
        else:
            click.echo(summary_line(loaded))
    sys.exit(2 if failed else 0)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of facts files (for editors' YAML language servers)."""
    from reportgen.facts import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@cli.command()
@_templates_option
def templates(templates_dirs: tuple[Path, ...]) -> None:
    """List the templates, one per line: name, where it comes from, description."""
    from reportgen.templating import list_templates

    for info in list_templates(list(templates_dirs)):
        click.echo(f"{info.name:<16} {info.source:<8} {info.description}")


# ---------------------------------------------------------------- serve, schedule, publish, mail


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--facts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder of facts served under /v1/briefs (default: ./facts, else the example).",
)
@_templates_option
def serve(
    host: str,
    port: int,
    workers: int,
    facts_dir: Path | None,
    templates_dirs: tuple[Path, ...],
) -> None:
    """Run the HTTP service (FastAPI under uvicorn): briefs on demand and an upload page."""
    from reportgen.service import run

    if facts_dir is None:
        inputs, note = _default_inputs()
        facts_dir = inputs[0]
        if note:
            click.echo("No ./facts folder here: serving the bundled example brief.", err=True)
    run(host=host, port=port, workers=workers, facts_dir=facts_dir, templates_dirs=templates_dirs)


@cli.command()
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


@cli.command()
@click.argument(
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("schedule.yaml"),
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
def history(config: Path, limit: int) -> None:
    """Show past scheduled runs of CONFIG: start, end, status, built, skipped, failed."""
    from reportgen.schedule import format_history
    from reportgen.schedule import history as read_history

    click.echo(format_history(read_history(config, limit=limit)))


@cli.command()
@_from_option("The build output folder.")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--base-url", help="Public URL of DIST; makes feed links and ids absolute.")
@click.option("--title", help="Title of the index page and the feed.")
def publish(from_dir: Path, dist: Path, base_url: str | None, title: str | None) -> None:
    """Publish built briefs into DIST: stable and dated copies, index.html, feed.xml, SHA256SUMS."""
    from reportgen.publish import publish as do_publish

    click.echo(str(do_publish(from_dir, dist, base_url=base_url, title=title)))


@cli.command()
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
def mail(
    recipients: Path, brief: str | None, from_dir: Path, attach_docx: bool, dry_run: bool
) -> None:
    """Mail each brief's PDF to the recipients over SMTP (settings from REPORTGEN_SMTP_*)."""
    from reportgen.mail import send_briefs

    report = send_briefs(
        recipients, from_dir, brief=brief, dry_run=dry_run, attach_docx=attach_docx
    )
    click.echo(str(report))
    sys.exit(0 if not getattr(report, "failed", None) else 2)


# ---------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; map user errors to exit 2 and bugs to exit 1."""
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
    except Exception:
        traceback.print_exc()
        click.echo(
            f"internal error in reportgen {__version__}: this is a bug, please report it "
            "with the traceback above",
            err=True,
        )
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":
    main()
