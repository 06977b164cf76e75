"""authored_text: what the author wrote, on Enron-style replies and forwards."""

from __future__ import annotations

import pytest

from ingest.quotes import authored_text

OUTLOOK_REPLY = """I'll have the list Thursday.

John

 -----Original Message-----
From: \tAllen, Phillip K.
Sent:\tTuesday, October 16, 2001 9:12 AM
To:\tArnold, John
Subject:\tRaptor hedges

Can you pull the positions?
"""

HEADER_BLOCK_REPLY = """Agreed, send it to Mark.

________________________________
From: Kean, Steven J.
Sent: Wednesday, October 24, 2001 5:30 PM
To: Dasovich, Jeff
Subject: Project Raptor

Please do not talk to reporters.
"""

FORWARD_WITH_NOTE = """Phillip -- see below, FERC moved faster than we thought.

---------------------- Forwarded by Steven J Kean/NA/Enron on 10/25/2001 10:04 AM ---------------------------

Richard Shapiro
10/25/2001 08:30 AM
To: Steven J Kean/NA/Enron@Enron
cc:
Subject: FERC order

FERC issued its order this morning.
"""

BARE_FORWARD = (
    "---------------------- Forwarded by Steven J Kean/NA/Enron on 10/25/2001 10:04 AM "
    "---------------------------\n\nFERC issued its order this morning.\n"
)

NOTES_REPLY = """Thursday at 2 in my office.



\tJeff Dasovich
\t10/29/2001 09:20 AM
\t\t
\t\t To: Steven J Kean/NA/Enron@Enron
\t\t cc:
\t\t Subject: FERC refund case

The California parties filed today.
"""

INLINE_QUOTES = """Steve,

Traders want to know about limits.

> 2. EnronOnline continues as usual.
>> older quote

Counterparties disagree.

Phillip
"""

ON_WROTE = """Sounds good, see you in Houston.

On Tue, Oct 23, 2001 at 8:41 AM, Jeff Dasovich <jeff.dasovich@enron.com> wrote:
> Thanks, that helps.
"""

ON_WROTE_TWO_LINES = """Sounds good.

On Tue, Oct 23, 2001 at 8:41 AM, Jeff Dasovich
<jeff.dasovich@enron.com> wrote:
> Thanks, that helps.
"""

SIGNATURE = "Two more calls overnight.\n\nMark\n\n-- \nMark Palmer\nEnron Corp. Public Relations\n"

GMAIL_FORWARD = """FYI

---------- Forwarded message ---------
From: Maria Gonzalez <maria.gonzalez@gmail.com>
Date: Fri, Oct 26, 2001
Subject: Rental application

Hello.
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (OUTLOOK_REPLY, "I'll have the list Thursday.\n\nJohn"),
        (HEADER_BLOCK_REPLY, "Agreed, send it to Mark."),
        (FORWARD_WITH_NOTE, "Phillip -- see below, FERC moved faster than we thought."),
        (BARE_FORWARD, BARE_FORWARD.strip()),
        (NOTES_REPLY, "Thursday at 2 in my office."),
        (
            INLINE_QUOTES,
            "Steve,\n\nTraders want to know about limits.\n\nCounterparties disagree.\n\nPhillip",
        ),
        (ON_WROTE, "Sounds good, see you in Houston."),
        (ON_WROTE_TWO_LINES, "Sounds good."),
        (SIGNATURE, "Two more calls overnight.\n\nMark"),
        (GMAIL_FORWARD, "FYI"),
        ("Plain note, nothing quoted.\r\nSecond line.\r\n", "Plain note, nothing quoted.\nSecond line."),
        ("> only a quote\n> nothing else\n", "> only a quote\n> nothing else"),
        ("", ""),
    ],
)
def test_quotes_authored_text(body: str, expected: str) -> None:
    assert authored_text(body) == expected


def test_quotes_keeps_from_line_that_is_not_a_header_block() -> None:
    body = "From: the desk's point of view, storage is full.\nSo no crisis this winter.\n"
    assert authored_text(body) == body.strip()


def test_quotes_keeps_dashes_that_are_not_a_signature_at_the_end() -> None:
    body = "Prices -- as discussed -- are flat.\n\nPhillip\n"
    assert authored_text(body) == body.strip()
