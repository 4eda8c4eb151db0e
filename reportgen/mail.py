"""Mail the briefs: each brief's PDF (and DOCX when asked) to each recipient, over SMTP.

SMTP settings come from environment variables only (`REPORTGEN_SMTP_*`), never from facts or
the schedule file, so a facts file cannot redirect mail or read credentials. A failure for one
recipient is reported and the others still get their mail; a dry run sends nothing.
"""

from __future__ import annotations

import csv
import hashlib
import html
import logging
import os
import re
import smtplib
import ssl
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path

from reportgen import i18n
from reportgen.errors import UsageError
from reportgen.publish.index_page import human_size, long_date, mime_type
from reportgen.publish.manifest import MANIFEST, PublishError, read_manifest
from reportgen.publish.state import STATE_NAME, load_state

log = logging.getLogger("reportgen.mail")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class MailError(UsageError):
    """The recipients file or the SMTP settings are wrong (the message says which and where)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: read from the environment by `from_env`."""

    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    # For tests and private CAs; the default verifies the server against the system's CAs.
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        """Return the settings in the REPORTGEN_SMTP_* variables.

        The variables: REPORTGEN_SMTP_HOST, _PORT, _STARTTLS, _USERNAME, _PASSWORD, _FROM.

        STARTTLS is on unless REPORTGEN_SMTP_STARTTLS is false; the port defaults to 587 with
        STARTTLS and 25 without. Raise MailError naming a missing or malformed variable.
        """
        env = os.environ if environ is None else environ
        host = env.get("REPORTGEN_SMTP_HOST", "").strip()
        sender = env.get("REPORTGEN_SMTP_FROM", "").strip()
        missing = [
            name
            for name, value in (("REPORTGEN_SMTP_HOST", host), ("REPORTGEN_SMTP_FROM", sender))
            if not value
        ]
        if missing:
            raise MailError(f"set {' and '.join(missing)} to send mail (see docs/mail.md)")
        starttls = _flag(env.get("REPORTGEN_SMTP_STARTTLS", "true"), "REPORTGEN_SMTP_STARTTLS")
        port_text = env.get("REPORTGEN_SMTP_PORT", "").strip() or ("587" if starttls else "25")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise MailError(f"REPORTGEN_SMTP_PORT must be a port number, not {port_text!r}")
        sender_address(sender)
        return cls(
            host=host,
            sender=sender,
            port=int(port_text),
            starttls=starttls,
            username=env.get("REPORTGEN_SMTP_USERNAME") or None,
            password=env.get("REPORTGEN_SMTP_PASSWORD") or None,
        )


def sender_address(sender: str) -> tuple[str, str]:
    """Return (display name, address) of a sender written `Name <address>` or `address`.

    Raise MailError naming REPORTGEN_SMTP_FROM when it is not exactly one valid address.
    """
    what = "REPORTGEN_SMTP_FROM"
    parsed = getaddresses([sender]) if not any(c in sender for c in "\r\n") else []
    if len(parsed) != 1 or not parsed[0][1]:
        raise MailError(f"{what}: {sender!r} is not an e-mail address (Name <address>)")
    name, email = parsed[0]
    _address(email, what, name)
    return name, email


@dataclass(frozen=True)
class Recipient:
    """One row of recipients.csv."""

    email: str
    name: str = ""
    briefs: frozenset[str] = frozenset()  # empty: every brief
    languages: frozenset[str] = frozenset()  # empty: every language ("hi", "en-IN" ...)

    def wants(self, slug: str, language: str = "", name: str = "") -> bool:
        """Return True when this recipient takes brief `slug` (publication `name`) in `language`.

        `briefs` may name a brief (all its languages) or one publication (`<slug>.hi`);
        `languages` holds tags or bare languages ("hi" takes "hi-IN").
        """
        brief_ok = not self.briefs or slug in self.briefs or (bool(name) and name in self.briefs)
        return brief_ok and self.takes_language(language)

    def takes_language(self, language: str) -> bool:
        """Return True when this recipient reads `language` (or names no language)."""
        if not self.languages or not language:
            return True
        tag = language.lower()
        return tag in self.languages or tag.split("-")[0] in self.languages


@dataclass(frozen=True)
class MailBrief:
    """A brief ready to send: what the body says and which files go with it."""

    slug: str  # the publication: "<slug>" for the first language, "<slug>.hi" ...
    title: str
    subtitle: str
    date: str
    key_messages: tuple[str, ...]
    files: Mapping[str, Path]  # format -> file
    sha256: Mapping[str, str]  # format -> expected SHA-256 of that file
    url: str = ""  # where the PDF is published, when that is known
    language: str = ""  # BCP 47 tag of the brief ("" when the folder predates languages)
    brief: str = ""  # the brief's slug, shared by its languages (default: `slug`)

    @property
    def brief_slug(self) -> str:
        """Return the slug of the brief this publication is a language of."""
        return self.brief or self.slug


@dataclass(frozen=True)
class Delivery:
    """One message: a brief to a recipient."""

    email: str
    name: str
    slug: str
    subject: str
    attachments: tuple[str, ...]

    def __str__(self) -> str:
        """Return `email: subject [files]`."""
        return f"{self.email}: {self.subject} [{', '.join(self.attachments)}]"


@dataclass
class MailReport:
    """What `send_briefs` did (or, in a dry run, would do)."""

    dry_run: bool
    planned: list[Delivery] = field(default_factory=list)
    sent: list[Delivery] = field(default_factory=list)
    failed: list[tuple[Delivery, str]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """Return 0 when every message went (or a dry run), 2 when any failed."""
        return 2 if self.failed else 0

    def __str__(self) -> str:
        """Return the report for people, one message a line."""
        if self.dry_run:
            head = [f"Dry run: {len(self.planned)} messages would be sent, none was."]
            return "\n".join(head + [f"  would send {d}" for d in self.planned])
        lines = [f"Sent {len(self.sent)} of {len(self.planned)} messages."]
        lines += [f"  sent {d}" for d in self.sent]
        lines += [f"  FAILED {d.email} ({d.slug}): {why}" for d, why in self.failed]
        return "\n".join(lines)


def send_briefs(
    recipients_csv: Path,
    dist_or_output: Path,
    brief: str | None = None,
    dry_run: bool = False,
    attach_docx: bool = False,
    smtp: SmtpSettings | None = None,
    *,
    briefs: Sequence[str] | None = None,
    base_url: str | None = None,
) -> MailReport:
    """Send each brief's PDF (and DOCX with `attach_docx`) to the recipients; return a report.

    `dist_or_output` is a published dist folder or a build output folder. `brief` (a slug) or
    `briefs` (slugs) limit what is sent. SMTP settings come from `smtp` or the environment.
    `base_url` is the public URL of the published folder, for a link to each PDF; a dist
    folder published with --base-url knows its own (its feed's address).
    """
    people = read_recipients(recipients_csv)
    available = load_briefs(dist_or_output, base_url)
    chosen = _choose(available, brief, briefs)
    formats = ("pdf", "docx") if attach_docx else ("pdf",)
    report = MailReport(dry_run=dry_run)
    messages: list[tuple[Delivery, MailBrief, Recipient]] = []
    for person in people:
        for item in chosen:
            if person.wants(item.brief_slug, item.language, item.slug):
                names = tuple(item.files[f].name for f in formats if f in item.files)
                delivery = Delivery(person.email, person.name, item.slug, subject_of(item), names)
                messages.append((delivery, item, person))
                report.planned.append(delivery)
    if dry_run or not messages:
        return report
    settings = smtp or SmtpSettings.from_env()
    with _Connection(settings) as conn:
        for index, (delivery, item, person) in enumerate(messages):
            try:
                message = compose(item, person, settings.sender, formats)
                conn.send(message)
            except _NoSession as exc:
                # The server cannot be reached or refuses us: no message can go, say so for each.
                why = f"no SMTP session with {settings.host}:{settings.port}: {_reason(exc.cause)}"
                log.error("%s", why)
                report.failed.extend((d, why) for d, _, _ in messages[index:])
                break
            except (smtplib.SMTPException, OSError, PublishError) as exc:
                why = _reason(exc)
                log.warning("mail to %s (%s) failed: %s", delivery.email, delivery.slug, why)
                report.failed.append((delivery, why))
                continue
            log.info("mailed %s to %s", delivery.slug, delivery.email)
            report.sent.append(delivery)
    return report


# ---------------------------------------------------------------- inputs


def read_recipients(path: Path) -> list[Recipient]:
    """Return the recipients in a CSV file with columns email, name and optionally briefs
    and languages.

    `briefs` lists slugs separated by spaces, commas or semicolons (empty: every brief);
    `languages` lists languages the same way (`hi`, `en-IN`; empty: every language).
    Raise MailError listing every bad row at once.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MailError(f"{path}: cannot read the recipients file: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if "email" not in columns:
        raise MailError(f"{path}: the first line must name the columns: email,name[,briefs]")
    people: list[Recipient] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if not any(cells.values()):
            continue
        try:
            person = _recipient(cells)
        except ValueError as exc:
            problems.append(f"{path}:{line}: {exc}")
            continue
        if person.email.lower() in seen:
            log.warning("%s:%d: %s is listed twice; mailing once", path, line, person.email)
            continue
        seen.add(person.email.lower())
        people.append(person)
    if problems:
        raise MailError("\n".join(problems))
    return people


def _recipient(cells: Mapping[str, str]) -> Recipient:
    """Return a Recipient from one CSV row's cells; raise ValueError saying what is wrong."""
    email, name = cells.get("email", ""), cells.get("name", "")
    _address(email, "email", name)
    slugs = frozenset(s for s in re.split(r"[\s,;]+", cells.get("briefs", "")) if s)
    languages = frozenset(
        s.lower().replace("_", "-") for s in re.split(r"[\s,;]+", cells.get("languages", "")) if s
    )
    return Recipient(email=email, name=name, briefs=slugs, languages=languages)


def _address(email: str, what: str, name: str = "") -> Address:
    """Return the Address for `email`; raise ValueError (MailError for settings) when invalid."""
    error = MailError if what.startswith("REPORTGEN_") else ValueError
    if not email or any(c in email + name for c in "\r\n") or "@" not in email:
        raise error(f"{what}: {email!r} is not an e-mail address")
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise error(f"{what}: {email!r} is not an e-mail address ({exc})") from None


def load_briefs(folder: Path, base_url: str | None = None) -> list[MailBrief]:
    """Return the briefs in a build output folder (manifest.json) or a dist folder, by slug.

    Each brief's `url` is its PDF under `base_url` (for a dist folder, by default the URL
    its feed was published under); empty when no public URL is known.
    """
    folder = Path(folder)
    if (folder / MANIFEST).is_file():
        return _from_manifest(folder, base_url)
    if (folder / STATE_NAME).is_file():
        return _from_dist(folder, base_url or _published_url(folder))
    raise MailError(f"{folder}: neither a build output folder (no {MANIFEST}) nor a dist folder")


def _published_url(dist: Path) -> str | None:
    """Return the public URL a dist folder was published under (its feed's self link), or None."""
    import xml.etree.ElementTree as ET

    try:
        feed = ET.parse(dist / "feed.xml").getroot()
    except (OSError, ET.ParseError):
        return None
    for link in feed.findall("{http://www.w3.org/2005/Atom}link"):
        href = link.get("href", "")
        if link.get("rel") == "self" and href.startswith(("https://", "http://")):
            return href.rsplit("/", 1)[0] + "/"
    return None


def _under(base_url: str | None, name: str) -> str:
    """Return the URL of file `name` under `base_url`, or "" without one."""
    return f"{base_url.rstrip('/')}/{name}" if base_url else ""


def _from_manifest(folder: Path, base_url: str | None = None) -> list[MailBrief]:
    """Return the briefs listed in an output folder's manifest."""
    grouped: dict[str, list] = {}
    for output in read_manifest(folder):  # one brief per language: `<slug>`, `<slug>.hi` ...
        grouped.setdefault(output.name or output.slug, []).append(output)
    result = []
    for slug in sorted(grouped):
        first = grouped[slug][0]
        result.append(
            MailBrief(
                slug=slug,
                title=first.title,
                subtitle=first.subtitle,
                date=first.date,
                key_messages=first.key_messages,
                files={o.format: o.path for o in grouped[slug]},
                sha256={o.format: o.sha256 for o in grouped[slug]},
                url=_under(base_url, f"{slug}.pdf"),
                language=first.language,
                brief=first.slug,
            )
        )
    return result


def _from_dist(folder: Path, base_url: str | None = None) -> list[MailBrief]:
    """Return the newest published version of each brief in a dist folder.

    The dated copy is attached: it has the same bytes as the stable name and, never being
    overwritten, cannot change while the message is composed.
    """
    state = load_state(folder, "reportgen.invalid", "1970-01-01")
    return [
        MailBrief(
            slug=v.slug,
            title=v.title,
            subtitle=v.subtitle,
            date=v.date,
            key_messages=v.key_messages,
            files={f.format: folder / f.name for f in v.files},
            sha256={f.format: f.sha256 for f in v.files},
            url=next((_under(base_url, f.name) for f in v.files if f.format == "pdf"), ""),
            language=v.language,
            brief=_brief_of(v.slug, v.language),
        )
        for v in sorted(state.latest_per_slug(), key=lambda v: v.slug)
    ]


def _brief_of(name: str, language: str) -> str:
    """Return the brief slug of a published name ("x.hi" -> "x"; names without a mark as is)."""
    stem, dot, mark = name.rpartition(".")
    return stem if dot and stem and (mark == "diglot" or bool(language)) else name


def _choose(
    available: list[MailBrief], brief: str | None, briefs: Sequence[str] | None
) -> list[MailBrief]:
    """Return the briefs to send, refusing a slug the folder does not have."""
    wanted = set(briefs) if briefs is not None else None
    if brief is not None:
        wanted = {brief} if wanted is None else wanted & {brief}
    if wanted is None:
        return available
    known = {b.slug for b in available} | {b.brief_slug for b in available}
    unknown = sorted(wanted - known)
    if unknown:
        raise MailError(
            f"no brief {', '.join(unknown)} in the folder (briefs: {', '.join(sorted(known))})"
        )
    return [b for b in available if b.slug in wanted or b.brief_slug in wanted]


# ---------------------------------------------------------------- the message


def subject_of(item: MailBrief) -> str:
    """Return the subject line: the title and the brief's date, on one line."""
    title = " ".join(item.title.split())
    return f"{title} ({long_date(item.date, item.language)})" if item.date else title


def body_of(item: MailBrief, person: Recipient, attachments: Sequence[tuple[str, bytes]]) -> str:
    """Return the plain-text body: greeting, title, key messages, the files attached.

    Its words are in the brief's language (the message catalogs), as the brief is.
    """
    lang = item.language or "en"
    lines = [_greeting(person, lang), "", item.title]
    if item.subtitle:
        lines.append(item.subtitle)
    if item.date:
        lines.append(long_date(item.date, item.language))
    if item.key_messages:
        lines += ["", i18n.gettext("Key messages:", lang)]
        for message in item.key_messages:
            lines += textwrap.wrap(message, 72, initial_indent="- ", subsequent_indent="  ")
    lines.append("")
    for name, data in attachments:
        attached = i18n.gettext("Attached: %(name)s (%(size)s).", lang)
        lines.append(attached % {"name": name, "size": human_size(len(data))})
    if item.url:
        lines.append(i18n.gettext("Online: %(url)s", lang) % {"url": item.url})
    lines += ["", "-- ", i18n.gettext("Sent by reportgen.", lang)]
    return "\n".join(lines) + "\n"


def html_body_of(
    item: MailBrief, person: Recipient, attachments: Sequence[tuple[str, bytes]]
) -> str:
    """Return the HTML body: the plain-text body's content, every text escaped."""
    e = html.escape
    lang = item.language or "en"
    parts = [
        f"<p>{e(_greeting(person, lang))}</p>",
        f'<h1 style="font-size:1.3em">{e(item.title)}</h1>',
    ]
    if item.subtitle:
        parts.append(f"<p><strong>{e(item.subtitle)}</strong></p>")
    if item.date:
        parts.append(f"<p>{e(long_date(item.date, item.language))}</p>")
    if item.key_messages:
        points = "".join(f"<li>{e(message)}</li>" for message in item.key_messages)
        heading = e(i18n.gettext("Key messages", lang))
        parts.append(f'<h2 style="font-size:1.1em">{heading}</h2><ul>{points}</ul>')
    attached = i18n.gettext("Attached: %(name)s (%(size)s).", lang)
    files = "".join(
        f"<li>{e(attached % {'name': name, 'size': human_size(len(data))})}</li>"
        for name, data in attachments
    )
    if files:
        parts.append(f"<ul>{files}</ul>")
    if item.url:
        online = e(i18n.gettext("Read the brief online (PDF)", lang))
        parts.append(f'<p><a href="{e(item.url)}">{online}</a></p>')
    parts.append(f"<p>-- <br>{e(i18n.gettext('Sent by reportgen.', lang))}</p>")
    body = "\n".join(parts)
    html_lang = f' lang="{e(item.language)}"' if item.language else ""
    return (
        f'<!DOCTYPE html>\n<html{html_lang}><head><meta charset="utf-8">'
        f"<title>{e(item.title)}</title></head>\n<body>\n{body}\n</body></html>\n"
    )


def _greeting(person: Recipient, language: str) -> str:
    """Return "Dear <name>," (or "Hello,") in `language`."""
    if person.name:
        return i18n.gettext("Dear %(name)s,", language) % {"name": person.name}
    return i18n.gettext("Hello,", language)


def compose(
    item: MailBrief, person: Recipient, sender: str, formats: Sequence[str]
) -> EmailMessage:
    """Return the message for one brief to one recipient, with its files attached.

    Each file's bytes are checked against the SHA-256 recorded when it was built or published.
    """
    attachments = []
    for fmt in formats:
        path = item.files.get(fmt)
        if path is None:
            continue
        data = path.read_bytes()
        if _sha256(data) != item.sha256[fmt]:
            raise PublishError(f"{path} changed since it was built or published; not sent")
        attachments.append((path.name, data))
    name, address = sender_address(sender)
    message = EmailMessage()
    message["Subject"] = subject_of(item)
    message["From"] = formataddr((name, address))
    message["To"] = Address(display_name=person.name, addr_spec=person.email)
    # RFC 5322 requires Date; large providers refuse mail without a Message-ID.
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=address.rsplit("@", 1)[1])
    message.set_content(body_of(item, person, attachments))
    message.add_alternative(html_body_of(item, person, attachments), subtype="html")
    for name, data in attachments:
        maintype, subtype = mime_type(name.rsplit(".", 1)[-1]).split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if item.language:  # RFC 3282; set last, as set_content drops Content-* headers
        message["Content-Language"] = item.language
    return message


def _sha256(data: bytes) -> str:
    """Return the SHA-256 hex digest of `data`."""
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- SMTP


class _NoSession(Exception):
    """Connecting, STARTTLS or logging in failed: nothing can be sent this time."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _Connection:
    """An SMTP session opened on first use and reopened after the server drops it."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Send one message; raise the SMTP error when the server refuses it."""
        if self.smtp is None:
            try:
                self.smtp = self._open()
            except (smtplib.SMTPException, OSError) as exc:
                raise _NoSession(exc) from exc
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # the next message opens a fresh session
            raise

    def _open(self) -> smtplib.SMTP:
        """Return a connected (and, as configured, encrypted and logged-in) SMTP session."""
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.starttls:
                smtp.starttls(context=s.ssl_context or ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        """End the session politely if it is open."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _reason(exc: BaseException) -> str:
    """Return a one-line reason for a failed message, with the server's reply when there is one."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {_text(msg)}" for code, msg in exc.recipients.values()]
        return "recipient refused: " + "; ".join(codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or type(exc).__name__


def _text(reply: bytes | str) -> str:
    """Return a server reply as text (smtplib gives bytes or str)."""
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _flag(value: str, name: str) -> bool:
    """Return a yes/no environment value as a bool; raise MailError when it is neither."""
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise MailError(f"{name} must be true or false, not {value!r}")
