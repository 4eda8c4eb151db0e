"""Mailing briefs to a real SMTP server (aiosmtpd on 127.0.0.1) and checking what arrived."""

from __future__ import annotations

import hashlib
import smtplib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reportgen.mail import MailError, SmtpSettings, read_recipients, send_briefs
from reportgen.publish import publish
from tests.mail.smtpserver import free_port, self_signed, smtp_server
from tests.publish.outputs import FakeBrief, write_outputs

SENDER = "Briefs desk <briefs@example.org>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    out, dist = tmp_path / "output", tmp_path / "dist"
    write_outputs(
        out,
        [
            FakeBrief("alpha", title="Alpha brief"),
            FakeBrief("beta", title="Beta brief", key_messages=["Beta's first message."]),
        ],
    )
    publish(out, dist, now=datetime(2026, 3, 1, tzinfo=UTC))
    return dist


@pytest.fixture
def recipients(tmp_path: Path) -> Path:
    path = tmp_path / "recipients.csv"
    path.write_text(
        "email,name,briefs\n"
        "asha@example.org,Asha Rao,\n"
        "ben@example.org,Ben Lee,beta\n"
        "chen@example.org,,alpha beta\n",
        encoding="utf-8",
    )
    return path


def plain(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, starttls=False, sender=SENDER, timeout=10)


def test_each_recipient_gets_each_wanted_brief_with_the_published_pdf(
    dist: Path, recipients: Path
) -> None:
    with smtp_server() as (server, port):
        report = send_briefs(recipients, dist, smtp=plain(port))

    assert report.failed == [] and report.exit_code == 0
    assert len(report.sent) == 5  # asha: 2, ben: beta, chen: 2
    assert sorted(m.message["Subject"] for m in server.to("asha@example.org")) == [
        "Alpha brief (28 February 2025)",
        "Beta brief (28 February 2025)",
    ]
    assert [m.message["Subject"] for m in server.to("ben@example.org")] == [
        "Beta brief (28 February 2025)"
    ]
    published = (dist / "alpha.pdf").read_bytes()
    alpha_to_asha = next(
        m for m in server.to("asha@example.org") if m.message["Subject"].startswith("Alpha")
    )
    assert alpha_to_asha.rcpt_tos == ["asha@example.org"]
    assert alpha_to_asha.mail_from == "briefs@example.org"
    assert alpha_to_asha.message["To"] == "Asha Rao <asha@example.org>"
    assert alpha_to_asha.attachments() == {"alpha-2025-02-28.pdf": published}
    body = alpha_to_asha.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("Dear Asha Rao,")
    assert "- India and the United States will cooperate on critical minerals." in body
    assert "Hello," in server.to("chen@example.org")[0].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_refused_recipient_is_reported_and_the_others_still_receive(
    dist: Path, recipients: Path
) -> None:
    with smtp_server(reject={"ben@example.org"}) as (server, port):
        report = send_briefs(recipients, dist, smtp=plain(port))

    assert [(d.email, d.slug) for d, _ in report.failed] == [("ben@example.org", "beta")]
    assert "550" in report.failed[0][1] and "No such mailbox" in report.failed[0][1]
    assert report.exit_code == 2
    assert server.to("ben@example.org") == []
    assert len(server.to("asha@example.org")) == 2 and len(server.to("chen@example.org")) == 2
    assert "FAILED ben@example.org (beta)" in str(report)


def test_a_dry_run_sends_nothing_and_lists_what_would_go(dist: Path, recipients: Path) -> None:
    with smtp_server() as (server, port):
        report = send_briefs(recipients, dist, dry_run=True, smtp=plain(port))

    assert server.arrived == []
    assert report.sent == [] and len(report.planned) == 5
    text = str(report)
    assert "Dry run: 5 messages would be sent" in text
    assert "would send ben@example.org: Beta brief (28 February 2025) [beta-2025-02-28.pdf]" in text


def test_a_dry_run_needs_no_smtp_settings(
    dist: Path, recipients: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPORTGEN_SMTP_HOST", raising=False)
    assert len(send_briefs(recipients, dist, dry_run=True).planned) == 5


def test_brief_filter_and_docx_attachment(dist: Path, recipients: Path) -> None:
    with smtp_server() as (server, port):
        report = send_briefs(recipients, dist, brief="alpha", attach_docx=True, smtp=plain(port))

    assert {d.email for d in report.sent} == {"asha@example.org", "chen@example.org"}
    files = server.to("chen@example.org")[0].attachments()
    assert files == {
        "alpha-2025-02-28.pdf": (dist / "alpha.pdf").read_bytes(),
        "alpha-2025-02-28.docx": (dist / "alpha.docx").read_bytes(),
    }


def test_an_unknown_brief_is_refused_before_sending(dist: Path, recipients: Path) -> None:
    with pytest.raises(MailError, match="no brief gamma in the folder"):
        send_briefs(recipients, dist, brief="gamma", dry_run=True)


def test_mailing_from_the_build_output_folder(tmp_path: Path, recipients: Path) -> None:
    out = tmp_path / "output"
    write_outputs(out, [FakeBrief("alpha"), FakeBrief("beta")])
    with smtp_server() as (server, port):
        send_briefs(recipients, out, brief="beta", smtp=plain(port))
    assert server.to("ben@example.org")[0].attachments() == {
        "beta.pdf": (out / "beta.pdf").read_bytes()
    }


def test_starttls_and_login(dist: Path, recipients: Path, tmp_path: Path) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    settings = SmtpSettings(
        host="127.0.0.1",
        sender=SENDER,
        starttls=True,
        username="desk",
        password="s3cret",
        ssl_context=client_tls,
        timeout=10,
    )
    with smtp_server(tls_context=server_tls, credentials=("desk", "s3cret")) as (server, port):
        settings = SmtpSettings(**{**settings.__dict__, "port": port})
        report = send_briefs(recipients, dist, brief="beta", smtp=settings)
    assert report.failed == []
    assert len(server.arrived) == 3
    digest = hashlib.sha256((dist / "beta.pdf").read_bytes()).hexdigest()
    got = server.to("ben@example.org")[0].attachments()["beta-2025-02-28.pdf"]
    assert hashlib.sha256(got).hexdigest() == digest


def test_a_server_demanding_starttls_refuses_plain_sending(
    dist: Path, recipients: Path, tmp_path: Path
) -> None:
    server_tls, _ = self_signed(tmp_path)
    with smtp_server(tls_context=server_tls) as (server, port):
        report = send_briefs(recipients, dist, brief="beta", smtp=plain(port))
    assert server.arrived == []
    assert len(report.failed) == 3


def test_an_unreachable_server_fails_every_message_without_raising(
    dist: Path, recipients: Path
) -> None:
    report = send_briefs(recipients, dist, smtp=plain(free_port()))
    assert report.sent == [] and len(report.failed) == 5
    assert all("no SMTP session with 127.0.0.1" in why for _, why in report.failed)


def test_settings_come_from_the_environment_only() -> None:
    env = {
        "REPORTGEN_SMTP_HOST": "smtp.example.org",
        "REPORTGEN_SMTP_FROM": "briefs@example.org",
        "REPORTGEN_SMTP_USERNAME": "desk",
        "REPORTGEN_SMTP_PASSWORD": "s3cret",
    }
    settings = SmtpSettings.from_env(env)
    assert (settings.host, settings.port, settings.starttls) == ("smtp.example.org", 587, True)
    assert (settings.username, settings.password) == ("desk", "s3cret")
    assert "s3cret" not in repr(settings)
    plain_env = {**env, "REPORTGEN_SMTP_STARTTLS": "false"}
    assert SmtpSettings.from_env(plain_env).port == 25
    assert SmtpSettings.from_env({**env, "REPORTGEN_SMTP_PORT": "2525"}).port == 2525


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"REPORTGEN_SMTP_HOST": ""}, "set REPORTGEN_SMTP_HOST"),
        ({"REPORTGEN_SMTP_PORT": "smtp"}, "REPORTGEN_SMTP_PORT must be a port number"),
        ({"REPORTGEN_SMTP_STARTTLS": "maybe"}, "REPORTGEN_SMTP_STARTTLS must be true or false"),
        ({"REPORTGEN_SMTP_FROM": "nobody"}, "REPORTGEN_SMTP_FROM: 'nobody' is not an e-mail"),
    ],
)
def test_bad_settings_are_clear_errors(change: dict[str, str], message: str) -> None:
    env = {"REPORTGEN_SMTP_HOST": "smtp.example.org", "REPORTGEN_SMTP_FROM": "b@example.org"}
    with pytest.raises(MailError, match=message):
        SmtpSettings.from_env({**env, **change})


def test_bad_recipient_rows_are_all_reported_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "email,name\nok@example.org,Ok\nnot-an-address,X\n"
        '"x@example.org\nBcc: all@example.org",Y\n',
        encoding="utf-8",
    )
    with pytest.raises(MailError) as caught:
        read_recipients(path)
    text = str(caught.value)
    assert f"{path}:3: email: 'not-an-address' is not an e-mail address" in text
    assert f"{path}:4:" in text  # the header-injection attempt


def test_a_recipients_file_without_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("asha@example.org,Asha\n", encoding="utf-8")
    with pytest.raises(MailError, match="the first line must name the columns"):
        read_recipients(path)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_errors_do_not_escape_as_tracebacks(dist: Path, recipients: Path) -> None:
    # The password is wrong: the login fails, each message is reported, nothing is raised.
    with smtp_server(credentials=("desk", "right")) as (_server, port):
        settings = SmtpSettings(
            host="127.0.0.1",
            port=port,
            starttls=False,
            sender=SENDER,
            username="desk",
            password="wrong",
            timeout=10,
        )
        try:
            report = send_briefs(recipients, dist, brief="alpha", smtp=settings)
        except smtplib.SMTPException as exc:  # pragma: no cover - the failure this guards
            pytest.fail(f"SMTP error escaped: {exc!r}")
    assert len(report.failed) == 2 and report.sent == []
    assert "535" in report.failed[0][1]  # authentication failed


def test_a_sender_with_a_display_name_from_the_environment_as_docs_show() -> None:
    env = {"REPORTGEN_SMTP_HOST": "smtp.example.org", "REPORTGEN_SMTP_FROM": SENDER}
    assert SmtpSettings.from_env(env).sender == SENDER
    for bad in ("a@example.org, b@example.org", "Desk <>", "Desk <desk@example.org>\nBcc: x@y"):
        with pytest.raises(MailError, match="REPORTGEN_SMTP_FROM"):
            SmtpSettings.from_env({**env, "REPORTGEN_SMTP_FROM": bad})


def test_messages_carry_date_message_id_and_an_html_part_with_the_published_link(
    tmp_path: Path, recipients: Path
) -> None:
    from email.utils import parsedate_to_datetime

    out, dist = tmp_path / "output", tmp_path / "dist"
    risky = "Costs <script>alert(1)</script> & rise"
    write_outputs(out, [FakeBrief("alpha", title="Alpha & <b>brief</b>", key_messages=[risky])])
    publish(out, dist, base_url="https://briefs.example.org/unit/", now=datetime(2026, 3, 1))
    before = datetime.now(UTC)
    with smtp_server() as (server, port):
        report = send_briefs(recipients, dist, smtp=plain(port))
    assert report.failed == [] and len(report.sent) == 2
    messages = [m.message for m in server.arrived]
    for message in messages:
        assert message["From"] == SENDER
        sent_at = parsedate_to_datetime(message["Date"])
        assert abs((sent_at - before).total_seconds()) < 60
        assert message["Message-ID"].endswith("@example.org>")
        assert message.get_content_type() == "multipart/mixed"
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        plain_text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        link = "https://briefs.example.org/unit/alpha-2025-02-28.pdf"
        assert f'<a href="{link}">' in html and f"Online: {link}" in plain_text
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; rise" in html
        assert "<script>" not in html and "Alpha &amp; &lt;b&gt;brief&lt;/b&gt;" in html
        assert risky in plain_text
    assert len({m["Message-ID"] for m in messages}) == 2


def test_the_mail_command_as_docs_show_with_a_display_name_sender(
    dist: Path, recipients: Path
) -> None:
    import os
    import subprocess
    import sys

    with smtp_server() as (server, port):
        env = {
            **os.environ,
            "REPORTGEN_SMTP_HOST": "127.0.0.1",
            "REPORTGEN_SMTP_PORT": str(port),
            "REPORTGEN_SMTP_STARTTLS": "false",
            "REPORTGEN_SMTP_FROM": SENDER,
        }
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "reportgen",
                "mail",
                "--to",
                str(recipients),
                "--from",
                str(dist),
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    assert len(server.arrived) == 5
    assert {m.message["From"] for m in server.arrived} == {SENDER}
