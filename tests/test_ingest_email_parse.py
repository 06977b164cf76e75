"""The pure email converter, on small recorded-style payloads."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from backchannel.records import Address, Visibility
from ingest.email_parse import MalformedItem, normalize_subject, parse_email

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
        ('"Allen, Phillip K." <Phillip.Allen@ENRON.com>', "", "phillip.allen@enron.com", "Allen, Phillip K."),
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
        ("utf-8", b"Caf\xe9 \x93quoted\x94", "Café “quoted”"),  # wrong label: cp1252
    ],
)
def test_email_parse_charsets(charset: str, raw: bytes, text: str) -> None:
    headers = ENRON_HEADERS.replace("charset=us-ascii", f"charset={charset}").replace("7bit", "8bit")
    msg = parse((headers + "\n").encode() + raw + b"\n")
    assert msg.body == text


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
    assert msg.body == "Energy Briefing\n\nFERC's order & the California ISO.\n\nHouston\n\nDynegy"


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
