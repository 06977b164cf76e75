"""The pure email converter, on small recorded-style payloads."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backchannel.records import Address, IngestFailure, RawMessage, Visibility
from ingest.base import read_file
from ingest.email_parse import MalformedItem, normalize_subject, parse_email, parse_or_failure
from tests.test_ingest_attachment_text import DOCX, make_pdf

ENRON_HEADERS = """Message-ID: <21013688.1075844564560.JavaMail.evans@thyme>
Date: Tue, 16 Oct 2001 09:12:00 -0700 (PDT)
From: phillip.allen@enron.com
To: john.arnold@enron.com, k..allen@enron.com
Subject: Re: Storage report
Mime-Version: 1.0
Content-Type: text/plain; charset=us-ascii
Content-Transfer-Encoding: 7bit
X-From: Phillip K Allen </O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN>
X-To: John Arnold </O=ENRON/OU=NA/CN=RECIPIENTS/CN=JARNOLD>, Allen K </O=ENRON/OU=NA/CN=RECIPIENTS/CN=KALLEN>
X-cc:
X-bcc:
X-Folder: \\Phillip_Allen_Jan2002_1\\Allen, Phillip K.\\'Sent Mail
X-Origin: Allen-P
X-FileName: pallen (Non-Privileged).pst
"""
BODY = "John,\n\nStorage injections came in at 62 Bcf.\n\nPhillip\n"


def parse(data: bytes, **kw: str):
    args = {"source": "maildir", "locator": "x/inbox/1.", "container": "inbox", "owner": "allen-p"}
    args.update(kw)
    return parse_email(data, **args)


def mail(headers: str = ENRON_HEADERS, body: str = BODY, crlf_headers: bool = False) -> bytes:
    if crlf_headers:
        headers = headers.replace("\n", "\r\n")
        return (headers + "\r\n").encode() + body.encode()
    return (headers + "\n" + body).encode()


def test_email_parse_enron_headers() -> None:
    msg = parse(mail())
    assert msg.author == Address("phillip.allen@enron.com", "Phillip K Allen")
    assert [r.key for r in msg.recipients] == ["john.arnold@enron.com", "k..allen@enron.com"]
    assert [r.name for r in msg.recipients] == ["John Arnold", "Allen K"]
    assert msg.timestamp == datetime(2001, 10, 16, 16, 12, tzinfo=UTC)
    assert msg.subject == "Re: Storage report"
    assert msg.body == BODY.rstrip()
    assert msg.native_id == "<21013688.1075844564560.JavaMail.evans@thyme>"
    assert msg.thread_key == "subject:storage report"
    assert msg.visibility is Visibility.RESTRICTED
    assert msg.container == "inbox" and msg.owner == "allen-p" and msg.source == "maildir"
    assert msg.id.startswith("email:")


def test_email_parse_crlf_headers_same_as_lf() -> None:
    lf = parse(mail())
    crlf = parse(mail(crlf_headers=True))
    assert crlf.id == lf.id
    assert crlf.body == lf.body
    assert crlf.recipients == lf.recipients


def test_email_parse_id_ignores_message_id_and_whitespace() -> None:
    a = parse(mail())
    other_id = ENRON_HEADERS.replace("21013688.1075844564560", "99999999.1075844569999")
    b = parse(mail(other_id, BODY.replace("\n", "\r\n") + "\n\n"))
    assert a.id == b.id
    changed = parse(mail(body=BODY.replace("62", "63")))
    assert changed.id != a.id


def test_email_parse_access_includes_owner_address() -> None:
    msg = parse(mail(), owner_address="Phillip.Allen@enron.com")
    assert msg.access == ["phillip.allen@enron.com", "john.arnold@enron.com", "k..allen@enron.com"]
    other = parse(mail(), owner_address="tim.belden@enron.com")
    assert other.access[-1] == "tim.belden@enron.com"


@pytest.mark.parametrize(
    ("from_header", "x_from", "key", "name"),
    [
        (
            "phillip.allen@enron.com",
            "Phillip K Allen </O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN>",
            "phillip.allen@enron.com",
            "Phillip K Allen",
        ),
        ('"Allen, Phillip K." <Phillip.Allen@ENRON.com>', "", "phillip.allen@enron.com", "Phillip K. Allen"),
        ("k..allen@enron.com", "", "k..allen@enron.com", "k..allen@enron.com"),
        (
            "maria.gonzalez@gmail.com",
            '"Maria Gonzalez" <maria.gonzalez@gmail.com>@ENRON',
            "maria.gonzalez@gmail.com",
            "Maria Gonzalez",
        ),
        ("jeff.dasovich@enron.com", "Jeff Dasovich@ENRON", "jeff.dasovich@enron.com", "Jeff Dasovich"),
        ("no.address@enron.com", "sarah.novosel@enron.com", "no.address@enron.com", "no.address@enron.com"),
    ],
)
def test_email_parse_author_names(from_header: str, x_from: str, key: str, name: str) -> None:
    headers = f"From: {from_header}\nX-From: {x_from}\nDate: Wed, 24 Oct 2001 06:58:00 -0700\nSubject: x\n"
    msg = parse(mail(headers, "hello\n"))
    assert msg.author == Address(key, name)


def test_email_parse_folded_headers_and_empty_subject() -> None:
    headers = (
        "From: steven.kean@enron.com\nTo: a@enron.com, b@enron.com,\n\tc@enron.com\n"
        "Subject: \nDate: Fri, 9 Nov 2001 11:48:00 -0800 (PST)\n"
    )
    msg = parse(mail(headers, "text\n"))
    assert [r.key for r in msg.recipients] == ["a@enron.com", "b@enron.com", "c@enron.com"]
    assert msg.subject == ""
    assert msg.thread_key == ""


def test_email_parse_odd_old_date_kept() -> None:
    headers = ENRON_HEADERS.replace(
        "Tue, 16 Oct 2001 09:12:00 -0700 (PDT)", "Mon, 31 Dec 1979 16:00:00 -0800 (PST)"
    )
    assert parse(mail(headers)).timestamp == datetime(1980, 1, 1, 0, 0, tzinfo=UTC)


def test_email_parse_date_without_zone_is_utc() -> None:
    headers = ENRON_HEADERS.replace("Tue, 16 Oct 2001 09:12:00 -0700 (PDT)", "Tue, 16 Oct 2001 09:12:00")
    assert parse(mail(headers)).timestamp == datetime(2001, 10, 16, 9, 12, tzinfo=UTC)


def test_email_parse_bad_date_falls_back_to_received() -> None:
    headers = ENRON_HEADERS.replace(
        "Date: Tue, 16 Oct 2001 09:12:00 -0700 (PDT)", "Date: sometime in October"
    )
    headers = (
        "Received: from relay2 by mx1; Tue, 16 Oct 2001 16:13:05 +0000\n"
        "Received: from outlook by relay2; Tue, 16 Oct 2001 16:12:30 +0000\n" + headers
    )
    assert parse(mail(headers)).timestamp == datetime(2001, 10, 16, 16, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("date_line", "detail"),
    [("Date: sometime in October\n", "unparseable Date header"), ("", "no Date header")],
)
def test_email_parse_bad_date_without_received_fails(date_line: str, detail: str) -> None:
    headers = f"From: a@enron.com\n{date_line}Subject: x\n"
    with pytest.raises(MalformedItem) as err:
        parse(mail(headers, "body\n"))
    assert err.value.reason.startswith("bad-date: ")
    assert detail in err.value.reason


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ("References: <root@x> <mid@x>\nIn-Reply-To: <mid@x>\nSubject: Re: Gas\n", "<root@x>"),
        ("In-Reply-To: <parent@x>\nSubject: Re: Gas\n", "<parent@x>"),
        ("Subject: RE: Fw: FWD:  Raptor   hedges\n", "subject:raptor hedges"),
        ("Subject: Project Raptor\n", "subject:project raptor"),
        ("Subject:\n", ""),
    ],
)
def test_email_parse_thread_key(headers: str, expected: str) -> None:
    data = mail("From: a@enron.com\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n" + headers, "b\n")
    assert parse(data).thread_key == expected


@pytest.mark.parametrize(
    ("subject", "normalized"),
    [
        ("Re: RE: fw: Storage", "storage"),
        ("Fwd:Storage  report", "storage report"),
        ("RE[2]: Storage", "storage"),
        ("Re Storage", "re storage"),
        ("", ""),
    ],
)
def test_email_parse_normalize_subject(subject: str, normalized: str) -> None:
    assert normalize_subject(subject) == normalized


def test_email_parse_quoted_printable() -> None:
    headers = ENRON_HEADERS.replace(
        "Content-Transfer-Encoding: 7bit", "Content-Transfer-Encoding: quoted-printable"
    )
    body = "Credit limit =3D min(a, b) for every new =\ncounterparty.=20\n"
    msg = parse(mail(headers, body))
    assert msg.body == "Credit limit = min(a, b) for every new counterparty."


def test_email_parse_base64_utf8() -> None:
    text = "Zürich desk: gas at 2.50 €/MMBtu\n"
    headers = ENRON_HEADERS.replace("charset=us-ascii", "charset=utf-8").replace(
        "Content-Transfer-Encoding: 7bit", "Content-Transfer-Encoding: base64"
    )
    msg = parse(mail(headers, base64.encodebytes(text.encode()).decode()))
    assert msg.body == text.rstrip()


@pytest.mark.parametrize(
    ("charset", "raw", "text"),
    [
        ("iso-8859-1", "Caf\xe9 at \xa319.40".encode("latin-1"), "Café at £19.40"),
        ("x-unknown-charset", "Caf\xe9".encode(), "Café"),  # unknown name: UTF-8 fallback
        ("x-unknown", b"Caf\xe9", "Café"),  # unknown name, not UTF-8: cp1252
        ("utf-8", b"Caf\xe9 \x93quoted\x94", "Café “quoted”"),  # wrong label: cp1252
        ("iso-8859-1", "Café".encode(), "Café"),  # UTF-8 sent as Latin-1: not "CafÃ©"
        ("us-ascii", "Café".encode(), "Café"),  # 8-bit bytes under an ASCII label
        ("us-ascii", b"Caf\xe9", "Café"),
        ("windows-1252", b"\x93Raptor\x94 \x96 done", "“Raptor” – done"),
        ("unicode-1-1-utf-7", b"Caf+AOk-", "Café"),
        ("koi8-r", "Газпром".encode("koi8-r"), "Газпром"),
        ("iso-8859-8-i", "שלום".encode("iso-8859-8"), "שלום"),
        ('"utf-8"', "Zürich".encode(), "Zürich"),
        ("", b"plain ascii", "plain ascii"),
        ("utf-8", b"A long enough mail body. " * 10 + b"One stray byte: \x81.", None),  # lossy
    ],
)
def test_email_parse_charsets(charset: str, raw: bytes, text: str | None) -> None:
    headers = ENRON_HEADERS.replace("charset=us-ascii", f"charset={charset}").replace("7bit", "8bit")
    msg = parse((headers + "\n").encode() + raw + b"\n")
    assert msg.body == (text if text is not None else raw.decode("cp1252", "replace"))


def test_email_parse_undecodable_body_fails_bad_encoding() -> None:
    headers = ENRON_HEADERS.replace("charset=us-ascii", "charset=utf-8").replace("7bit", "8bit")
    with pytest.raises(MalformedItem) as err:
        parse((headers + "\n").encode() + b"abc \x81\x8d\x8f\x90 def\n")
    assert err.value.reason.startswith("bad-encoding: ")


def test_email_parse_encoded_word_headers() -> None:
    headers = (
        "From: =?iso-8859-1?q?Jos=E9_Garc=EDa?= <jose.garcia@enron.com>\n"
        "Subject: =?utf-8?b?TcO8bmNoZW4=?= gas desk\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n"
    )
    msg = parse(mail(headers, "x\n"))
    assert msg.author == Address("jose.garcia@enron.com", "José García")
    assert msg.subject == "München gas desk"


def test_email_parse_raw_8bit_header() -> None:
    data = "From: Jos\xe9 <jose@enron.com>\nSubject: Caf\xe9\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n\nx\n"
    msg = parse(data.encode("latin-1"))
    assert msg.subject == "Café"
    assert msg.author.name == "José"


def test_email_parse_html_only() -> None:
    headers = ENRON_HEADERS.replace("text/plain", "text/html")
    html = (
        "<html><head><style>p {color: red}</style></head><body><h2>Energy Briefing</h2>"
        "<p>FERC&#39;s order &amp; the <b>California ISO</b>.</p><ul><li>Houston</li><li>Dynegy</li></ul>"
        "</body></html>"
    )
    msg = parse(mail(headers, html))
    assert msg.body == "Energy Briefing\n\nFERC's order & the California ISO.\n\n- Houston\n- Dynegy"


def test_email_parse_multipart_prefers_plain_and_lists_attachments() -> None:
    payload = bytes(range(256)) * 4
    data = (
        "From: karen.denne@enron.com\nTo: steven.kean@enron.com\nSubject: Draft Q&A\n"
        "Date: Mon, 12 Nov 2001 18:02:00 -0800\nMime-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="BOUND"\n\n'
        "--BOUND\n"
        'Content-Type: multipart/alternative; boundary="ALT"\n\n'
        "--ALT\nContent-Type: text/plain; charset=us-ascii\n\nPlain version.\n"
        "--ALT\nContent-Type: text/html; charset=us-ascii\n\n<p>HTML version.</p>\n"
        "--ALT--\n"
        "--BOUND\n"
        'Content-Type: application/vnd.ms-excel; name="qa.xls"\nContent-Transfer-Encoding: base64\n'
        'Content-Disposition: attachment; filename="qa.xls"\n\n'
        + base64.encodebytes(payload).decode()
        + "--BOUND\nContent-Type: message/rfc822\n\nFrom: a@b.com\nSubject: Old note\n\nold\n"
        "--BOUND--\n"
    )
    msg = parse(data.encode())
    assert msg.body == "Plain version."
    assert [(a.name, a.mime_type, a.size) for a in msg.attachments] == [
        ("qa.xls", "application/vnd.ms-excel", 1024),
        ("Old note.eml", "message/rfc822", msg.attachments[1].size),
    ]


@pytest.mark.parametrize(
    ("data", "category"),
    [
        (b"\x00\x01\x02PK\x03\x04" * 50, "binary-file"),
        (bytes(range(1, 32)) * 40, "binary-file"),
        (b"just a line of text\nand another one\n", "malformed-email"),
        (b"Subject: no sender\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n\n", "malformed-email"),
    ],
)
def test_email_parse_malformed(data: bytes, category: str) -> None:
    with pytest.raises(MalformedItem) as err:
        parse(data)
    assert err.value.reason.split(": ", 1)[0] == category
    assert len(err.value.reason) > len(category) + 5


def test_email_parse_no_from_and_no_body_reason() -> None:
    with pytest.raises(MalformedItem) as err:
        parse(b"Subject: empty\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n\n")
    assert err.value.reason == "malformed-email: no From header and no body"


def test_email_parse_too_large() -> None:
    with pytest.raises(MalformedItem) as err:
        parse(mail(body="x" * 3 * 1024 * 1024), max_bytes=2 * 1024 * 1024)  # type: ignore[arg-type]
    assert err.value.reason == "too-large: 3 MB > 2 MB limit"


MIME_HEADERS = (
    "From: karen.denne@enron.com\nTo: steven.kean@enron.com\nSubject: Draft Q&A\n"
    "Date: Mon, 12 Nov 2001 18:02:00 -0800\nMime-Version: 1.0\n"
)


def multipart(subtype: str, *parts: str) -> str:
    """A multipart body with boundary ``B<subtype>``; each part is its headers, a blank line, its body."""
    boundary = f"B{subtype}"
    inner = "".join(f"--{boundary}\n{part}\n" for part in parts)
    return f'Content-Type: multipart/{subtype}; boundary="{boundary}"\n\n{inner}--{boundary}--\n'


def attached(mime: str, filename: str, data: bytes) -> str:
    return (
        f'Content-Type: {mime}; name="{filename}"\nContent-Transfer-Encoding: base64\n'
        f'Content-Disposition: attachment; filename="{filename}"\n\n' + base64.encodebytes(data).decode()
    )


PLAIN = "Content-Type: text/plain; charset=us-ascii\n\nPlain version."
EMPTY_PLAIN = "Content-Type: text/plain; charset=us-ascii\n\n  \n"
HTML = "Content-Type: text/html; charset=us-ascii\n\n<p>HTML <b>version</b>.</p>"
# "<p>", two NUL bytes, "</p>"
HTML_BINARY = "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\nPHA+AAA8L3A+"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (multipart("alternative", PLAIN, HTML), "Plain version."),
        (multipart("alternative", HTML, PLAIN), "Plain version."),
        (multipart("alternative", EMPTY_PLAIN, HTML), "HTML version."),
        (multipart("alternative", HTML), "HTML version."),
        (multipart("alternative", PLAIN, HTML_BINARY), "Plain version."),
        (
            multipart("mixed", multipart("alternative", EMPTY_PLAIN, HTML), PLAIN),
            "HTML version.\n\nPlain version.",
        ),
        (
            multipart(
                "alternative", EMPTY_PLAIN, multipart("related", HTML, attached("image/png", "a.png", b"P"))
            ),
            "HTML version.",
        ),
        (multipart("mixed", PLAIN, PLAIN.replace("Plain", "Second")), "Plain version.\n\nSecond version."),
        (multipart("alternative", EMPTY_PLAIN), ""),
    ],
)
def test_email_parse_multipart_body(body: str, expected: str) -> None:
    assert parse((MIME_HEADERS + body).encode()).body == expected


def test_email_parse_attachment_texts() -> None:
    forwarded = (
        "Content-Type: message/rfc822\n\nFrom: jeff.skilling@enron.com\nSubject: Old note\n"
        "Content-Type: text/plain\n\nThe old note's text.\n"
    )
    body = multipart(
        "mixed",
        PLAIN,
        attached("application/pdf", "report.pdf", make_pdf(["Storage report"])),
        attached("application/octet-stream", "terms.docx", DOCX),
        attached("text/plain; charset=iso-8859-1", "notes.txt", "Caf\xe9 list".encode("latin-1")),
        attached("application/pdf", "broken.pdf", b"%PDF-1.4 garbage"),
        attached("image/png", "logo.png", b"\x89PNG\r\n"),
        forwarded,
    )
    msg = parse((MIME_HEADERS + body).encode())
    assert msg.body == "Plain version."
    assert [(a.name, a.mime_type, a.text) for a in msg.attachments] == [
        ("report.pdf", "application/pdf", "Storage report"),
        (
            "terms.docx",
            "application/octet-stream",
            "Raptor term sheet\nCounterparty: LJM2\nHub\tPrice\nHenry Hub\t2.50",
        ),
        ("notes.txt", "text/plain", "Café list"),
        ("broken.pdf", "application/pdf", ""),
        ("logo.png", "image/png", ""),
        ("Old note.eml", "message/rfc822", "The old note's text."),
    ]
    assert msg.attachments[0].size == len(make_pdf(["Storage report"]))
    assert "Storage report" not in repr(msg.attachments[0])  # text stays out of logs and reprs


def test_email_parse_attachment_text_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest import email_parse

    monkeypatch.setattr(email_parse, "ATTACHMENT_TEXT_BUDGET", 10)
    body = multipart(
        "mixed",
        PLAIN,
        attached("text/plain", "a.txt", b"first file text"),
        attached("text/plain", "b.txt", b"more"),
    )
    msg = parse((MIME_HEADERS + body).encode())
    assert [a.text for a in msg.attachments] == ["first file text", ""]


GOOD = ENRON_HEADERS + "\n" + BODY


@pytest.mark.parametrize(
    ("data", "outcome"),
    [
        # failures, each with a category and a reason
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 30, "binary-file"),
        (bytes(range(1, 32)) * 10, "binary-file"),
        (b"", "malformed-email"),
        (b"just a line of text\nand another one\n", "malformed-email"),
        (b"From: a@enron.com\nSubject: cut off before a date", "bad-date"),
        (GOOD.encode() + b"x" * 600, "too-large"),
        # best effort: the message is kept
        (GOOD[: GOOD.index("X-From")].encode(), "Date: Tue, 16 Oct 2001"),  # cut inside the headers
        ((MIME_HEADERS + multipart("mixed", PLAIN)[:-12]).encode(), "Plain version."),  # no closing boundary
        (
            (MIME_HEADERS + 'Content-Type: multipart/mixed; boundary="NEVER"\n\nno parts at all\n').encode(),
            "no parts at all",
        ),
        (
            (
                MIME_HEADERS
                + "Content-Transfer-Encoding: base64\n\n"
                + base64.b64encode(b"Half a body")[:-3].decode()
            ).encode(),
            "Half a",
        ),
        (
            (MIME_HEADERS + "Content-Transfer-Encoding: quoted-printable\n\nbroken =ZZ soft=\n").encode(),
            "broken =ZZ soft",
        ),
        (
            (MIME_HEADERS + "Content-Type: text/plain; charset=\n\nempty charset name\n").encode(),
            "empty charset name",
        ),
    ],
)
def test_email_parse_failure_or_best_effort(data: bytes, outcome: str) -> None:
    result = parse_or_failure(
        data,
        source="maildir",
        locator="x/inbox/1.",
        container="inbox",
        owner="allen-p",
        max_bytes=len(GOOD) + 100,
    )
    if isinstance(result, IngestFailure):
        assert result.reason.split(": ", 1)[0] == outcome
        assert len(result.reason) > len(outcome) + 5
    else:
        assert isinstance(result, RawMessage)
        assert outcome in result.body or outcome in data.decode()
        assert result.author.key in {"phillip.allen@enron.com", "karen.denne@enron.com"}


def test_email_parse_read_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "1."
    path.write_bytes(GOOD.encode() + b"x" * 3000)
    failure = read_file("maildir", path, "x/inbox/1.", max_bytes=2048)
    assert failure == IngestFailure("maildir", "x/inbox/1.", "too-large: 4 KB > 2 KB limit")
    assert read_file("maildir", path, "x/inbox/1.") == path.read_bytes()


@pytest.mark.parametrize(
    ("subject_header", "subject"),
    [
        ("=?utf-8?q?broken", "=?utf-8?q?broken"),  # unterminated: kept as written
        ("=?x-unknown?q?Caf=E9?=", "Café"),  # unknown charset: fallback decode
        ("=?utf-8?b?!!!notbase64?=", "=?utf-8?b?!!!notbase64?="),
        ("=?utf-8?q?Caf=C3=A9?= =?iso-8859-1?q?na=EFve?=", "Cafénaïve"),
        ("=?unicode-1-1-utf-7?q?Caf+AOk-?=", "Café"),
        ("Re: =?utf-8?q?=E2=82=AC?=5 gas", "Re: € 5 gas"),
        ("=?utf-8?q?=FF=FE?=", "ÿþ"),  # not UTF-8 at all: cp1252
        ("=?gb2312?b?1tDOxA==?=", "中文"),
    ],
)
def test_email_parse_broken_encoded_words(subject_header: str, subject: str) -> None:
    headers = f"From: a@enron.com\nSubject: {subject_header}\nDate: Tue, 16 Oct 2001 09:12:00 -0700\n"
    assert parse(mail(headers, "x\n")).subject == subject


def test_email_parse_recipient_names_from_x500_and_notes_forms() -> None:
    headers = (
        "From: phillip.allen@enron.com\nDate: Tue, 16 Oct 2001 09:12:00 -0700\nSubject: x\n"
        "To: john.arnold@enron.com, mike.grigsby@enron.com, '\"Maria\"' <maria@gmail.com>\n"
        "Cc: jeff.dasovich@enron.com\n"
        "X-From: Allen, Phillip K. </O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN>\n"
        "X-To: Arnold, John </O=ENRON/OU=NA/CN=RECIPIENTS/CN=JARNOLD>, "
        "Mike Grigsby/HOU/ECT@ECT <??SMike Grigsby/HOU/ECT@ECT>, maria@gmail.com <maria@gmail.com>\n"
        "X-cc: /O=ENRON/OU=NA/CN=RECIPIENTS/CN=JDASOVIC\n"
    )
    msg = parse(mail(headers, "x\n"))
    assert msg.author == Address("phillip.allen@enron.com", "Phillip K. Allen")
    assert [(r.key, r.name) for r in msg.recipients] == [
        ("john.arnold@enron.com", "John Arnold"),
        ("mike.grigsby@enron.com", "Mike Grigsby"),
        ("maria@gmail.com", "Maria"),
        ("jeff.dasovich@enron.com", "jeff.dasovich@enron.com"),  # an X.500 path is no name
    ]
