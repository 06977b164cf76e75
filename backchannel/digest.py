"""Email digests: what happened in a period, as one recipient may see it.

``build_digest`` reads the store with the recipient's viewer (so a digest
never holds a DM or private channel they are not in), ``render_digest``
turns it into a text + HTML email and ``send_digest`` delivers it over SMTP.
No Flask here: templates are rendered with jinja2 directly.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from backchannel.errors import ConfigError, DeliveryError
from backchannel.records import ThreadSummary, TopicRef, Viewer
from backchannel.settings import Settings
from backchannel.store import Store

log = logging.getLogger(__name__)

PERIODS: dict[str, timedelta] = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}
_PERIOD_WORDS = {"day": "Daily", "week": "Weekly", "month": "Monthly"}
_TEMPLATES = Path(__file__).with_name("digest_templates")
#: How many threads are counted for the period's totals (the digest lists the top ones).
_COUNT_LIMIT = 100_000


@dataclass(frozen=True)
class Digest:
    """One recipient's view of a period."""

    period: str
    since: datetime
    until: datetime
    threads: tuple[ThreadSummary, ...]  # the busiest threads of the period
    topics: tuple[TopicRef, ...]  # the most-mentioned topics of the period
    thread_count: int  # threads with activity in the period
    message_count: int  # messages in the period
    latest_activity: datetime | None = None  # set when the period is empty: when the viewer last saw activity

    @property
    def empty(self) -> bool:
        return self.message_count == 0


@dataclass(frozen=True)
class RenderedDigest:
    subject: str
    text: str
    html: str


def build_digest(
    store: Store,
    viewer: Viewer,
    *,
    period: str = "week",
    until: datetime | None = None,
    max_threads: int = 10,
    max_topics: int = 10,
) -> Digest:
    """The busiest threads and topics of the ``period`` ending at ``until`` (default: now, UTC)."""
    if period not in PERIODS:
        raise ConfigError(f"[C020] Unknown digest period {period!r}. Use one of: {', '.join(PERIODS)}.")
    if until is None:
        until = datetime.now(UTC)
    elif until.tzinfo is None:
        until = until.replace(tzinfo=UTC)  # naive datetimes are taken as UTC
    else:
        until = until.astimezone(UTC)
    since = until - PERIODS[period]
    active = store.recent_threads(viewer, _COUNT_LIMIT, since=since, until=until, by_activity=True)
    topics = store.top_topics(viewer, max_topics, since=since, until=until)
    latest = None
    if not active:
        last = store.recent_threads(viewer, 1)
        latest = last[0].last_ts if last else None
    digest = Digest(
        period=period,
        since=since,
        until=until,
        threads=tuple(active[:max_threads]),
        topics=tuple(topics),
        thread_count=len(active),
        message_count=sum(t.messages for t in active),
        latest_activity=latest,
    )
    log.info(
        "digest for person %s: %d threads, %d messages, %d topics",
        viewer.person_id,
        digest.thread_count,
        digest.message_count,
        len(digest.topics),
    )
    return digest


def viewer_for_address(store: Store, address: str) -> Viewer:
    """The viewer a digest for ``address`` is built with: their person, or public only if unknown."""
    person_id = store.person_by_key(address)
    return Viewer(person_id=person_id) if person_id is not None else Viewer()


# --- rendering ---------------------------------------------------------------


def thread_url(base_url: str, thread_id: str) -> str:
    """The web app's address of a thread (as ``/thread/<id>`` in web/)."""
    return f"{base_url.rstrip('/')}/thread/{quote(thread_id, safe=':')}"


def topic_url(base_url: str, entity_id: str) -> str:
    """The web app's address of a topic page (as ``/topic/<id>`` in web/)."""
    return f"{base_url.rstrip('/')}/topic/{quote(entity_id, safe=':/')}"


def thread_title(thread: ThreadSummary) -> str:
    """A thread's subject for display. The store makes a subject-less (Slack) thread's
    subject from the start of its first message; such a cut ends at a word, with "…"."""
    subject = thread.subject.strip()
    preview = thread.preview
    if not subject or not preview.startswith(subject) or len(preview) <= len(subject):
        return subject
    if not preview[len(subject)].isspace() and " " in subject:
        subject = subject.rsplit(" ", 1)[0]
    return subject.rstrip(" ,.;:-") + "…"


def _date(value: datetime) -> str:
    v = value.astimezone(UTC)
    return f"{v:%b} {v.day}, {v.year}"


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = _date
    env.filters["thread_title"] = thread_title
    return env


def _subject(digest: Digest) -> str:
    word = _PERIOD_WORDS[digest.period]
    last_day = digest.until - timedelta(seconds=1)
    if digest.period == "day":
        span = _date(last_day)
    else:
        span = f"{_date(digest.since)} – {_date(last_day)}"
    if digest.empty:
        return f"{word} Backchannel digest, {span}: nothing new"
    return (
        f"{word} Backchannel digest, {span}: {digest.message_count} message"
        f"{'s' if digest.message_count != 1 else ''} in {digest.thread_count} thread"
        f"{'s' if digest.thread_count != 1 else ''}"
    )


def render_digest(digest: Digest, settings: Settings) -> RenderedDigest:
    """The digest as an email: subject, plain text and HTML (inline CSS), links to settings.base_url."""
    base = settings.base_url.rstrip("/")
    context = {
        "d": digest,
        "base_url": base,
        "period_word": _PERIOD_WORDS[digest.period].lower(),
        "last_day": digest.until - timedelta(seconds=1),
        "thread_url": lambda t: thread_url(base, t.id),
        "topic_url": lambda t: topic_url(base, t.entity_id),
        "until_hint": (digest.latest_activity + timedelta(days=1)).strftime("%Y-%m-%d")
        if digest.latest_activity
        else "",
    }
    text = _environment(False).get_template("digest.txt").render(context)
    html = _environment(True).get_template("digest.html").render(context)
    return RenderedDigest(subject=_subject(digest), text=text, html=html)


# --- delivery ----------------------------------------------------------------


def send_digest(
    rendered: RenderedDigest, to: str, settings: Settings, *, host: str | None = None, port: int | None = None
) -> None:
    """Send a rendered digest to ``to`` as multipart/alternative (text + HTML).

    ``host``/``port`` override settings.smtp_host/smtp_port (the CLI's ``--smtp``).
    Raises :class:`DeliveryError` with what to check when sending fails.
    """
    host = host or settings.smtp_host
    port = port or settings.smtp_port
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = settings.smtp_sender
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")

    where = f"{host}:{port}"
    try:
        smtp = smtplib.SMTP(host, port, timeout=30)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            f"[M001] Could not connect to SMTP server {where}: {exc}; check --smtp / smtp_host and smtp_port."
        ) from exc
    try:
        with smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(msg)
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(
            f"[M002] SMTP server {where} does not support what we asked ({exc}); "
            "check smtp_starttls and smtp_user."
        ) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"[M003] SMTP server {where} refused the login for {settings.smtp_user!r}; "
            "check smtp_user and BACKCHANNEL_SMTP_PASSWORD."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(f"[M004] SMTP server {where} refused the recipient; check the address.") from exc
    except smtplib.SMTPSenderRefused as exc:
        raise DeliveryError(
            f"[M005] SMTP server {where} refused the sender {settings.smtp_sender!r}; check smtp_sender."
        ) from exc
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise DeliveryError(
            f"[M006] Sending through SMTP server {where} failed: {exc}; check the smtp_* settings."
        ) from exc
    log.info("digest sent via %s", where)
