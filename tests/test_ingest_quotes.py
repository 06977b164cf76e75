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


NOTES_ON_DATE_REPLY = """Yes, send the curves to Keith.

"Allen, Phillip K." <Phillip.K.Allen@enron.com> on 05/01/2001 10:15:22 AM
Please respond to <pallen@enron.com>
To: "Mike Grigsby" <mike.grigsby@enron.com>
cc:
Subject: Forward curves

Can you send the curves?
"""

NOTES_FROM_ON_REPLY = """Looks right to me.

From: Kim Ward/ENRON@enronXgate on 04/30/2001 05:34 PM
To: Phillip K Allen/HOU/ECT@ECT
cc:
Subject: Sagewood

Numbers attached.
"""

NOTES_WROTE = """Agreed.

"Jeff Dasovich" <jeff.dasovich@enron.com> on 05/01/2001 09:02 AM wrote:
> The PUC meets Thursday.
"""

NOTES_FORWARD_CHAIN = """---------------------- Forwarded by Mike Grigsby/HOU/ECT on 11/13/2000 02:27
PM ---------------------------
From: Matthew Lenhart on 11/13/2000 01:39 PM
To: Mike Grigsby/HOU/ECT@ECT
cc:
Subject: Fwd: Storage numbers


---------------------- Forwarded by Matthew Lenhart/HOU/ECT on 11/13/2000
01:39 PM ---------------------------


Charles H Otto
11/13/2000 01:03 PM
To: Matthew Lenhart/HOU/ECT@ECT
cc:
Subject: Storage numbers

Injections were 62 Bcf, above the five-year average.

Charles
"""

OUTLOOK_FORWARD_ONLY = """

 -----Original Message-----
From: 	Crenshaw, Shirley
Sent:	Thursday, October 25, 2001 2:15 PM
To:	Black, Tamara Jae; Rangel, Ina
Subject:	Presentation Announcement
Importance:	High

Please forward this announcement to your groups.

Shirley
"""

HEADER_BLOCK_NO_DASHES = """Fine by me.

From: Arnold, John
Sent: Tuesday, October 16, 2001 9:12 AM
To: Allen, Phillip K.
Subject: Spreads

Do we roll the spreads?
"""

NOTES_SENT_BY = """FYI, the committee meets Friday.

---------------------- Forwarded by Phillip K Allen/HOU/ECT on 08/16/2000 10:58 AM ---------------------------

	From:  David W Delainey                           08/15/2000 01:28 PM

Sent by: Kay Chapman
To: Tim Belden/HOU/ECT@ECT, Kevin M Presto/HOU/ECT@ECT
cc: Mollie Gustafson/PDX/ECT@ECT
Subject: ENA Management Committee

This is a reminder.
"""

BEGIN_FORWARDED = """See the note from Maria.

Begin forwarded message:

From: Maria Gonzalez <maria.gonzalez@gmail.com>
Date: Fri, Oct 26, 2001
Subject: Rental application

Hello.
"""

AT_YOU_WROTE = """Thursday works.

At 10:33 AM 12/5/2001 -0600, you wrote:
>Can we meet this week?
"""

ADDRESS_WROTE = """Sure.

Kevin.M.Presto@enron.com wrote:
> Lunch?
"""

SIGN_OFF_SIGNATURE = """Please sign me up for the new parking garage.

Thank you,
Mike Grigsby
Director of Trading
x37031
"""

SIGN_OFF_LONG_SIGNATURE = """Attached is the latest counterparty status report.

Thanks.

Andrew Gibbins
Enron Contract Management
Enron House, 40 Grosvenor Place
London SW1X 7EN
Tel:   +44 (0)20 7783 4711
"""

SIGN_OFF_THEN_TEXT = """Here are the numbers.

Thanks,
Mike
P.S. the second tab has the storage model, which needs a closer look before Friday.
"""

FREEMAIL_FOOTER = """Rent is in the mailbox.

Lucy

________________________________________________________________________
Get Your Private, Free E-mail from MSN Hotmail at http://www.hotmail.com
"""

REPLY_SEPARATOR = """No objection.

______________________________ Reply Separator _________________________________
Subject: Budget
Author: Rick Buy
Date: 10/2/2001 9:00 AM

Budget attached.
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (NOTES_ON_DATE_REPLY, "Yes, send the curves to Keith."),
        (NOTES_FROM_ON_REPLY, "Looks right to me."),
        (NOTES_WROTE, "Agreed."),
        (NOTES_FORWARD_CHAIN, "Injections were 62 Bcf, above the five-year average.\n\nCharles"),
        (OUTLOOK_FORWARD_ONLY, "Please forward this announcement to your groups.\n\nShirley"),
        (HEADER_BLOCK_NO_DASHES, "Fine by me."),
        (NOTES_SENT_BY, "FYI, the committee meets Friday."),
        (BEGIN_FORWARDED, "See the note from Maria."),
        (
            "Begin forwarded message:\n\nFrom: a@b.com\nSubject: Lunch\n\nNoon at Ninfa's.\n",
            "Noon at Ninfa's.",
        ),
        (AT_YOU_WROTE, "Thursday works."),
        (ADDRESS_WROTE, "Sure."),
        (SIGN_OFF_SIGNATURE, "Please sign me up for the new parking garage.\n\nThank you,\nMike Grigsby"),
        (
            SIGN_OFF_LONG_SIGNATURE,
            "Attached is the latest counterparty status report.\n\nThanks.\n\nAndrew Gibbins",
        ),
        (SIGN_OFF_THEN_TEXT, SIGN_OFF_THEN_TEXT.strip()),  # not signature-like: kept
        (FREEMAIL_FOOTER, "Rent is in the mailbox.\n\nLucy"),
        (REPLY_SEPARATOR, "No objection."),
        ("Thanks,\nMike\nx37031\n", "Thanks,\nMike\nx37031"),  # a sign-off alone is not cut to nothing
        ("He wrote:\nthe plan is fine\n", "He wrote:\nthe plan is fine"),  # prose, not an attribution
    ],
)
def test_quotes_enron_styles(body: str, expected: str) -> None:
    assert authored_text(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (OUTLOOK_REPLY, "I'll have the list Thursday.\n\nJohn"),
        (HEADER_BLOCK_REPLY, "Agreed, send it to Mark."),
        (FORWARD_WITH_NOTE, "Phillip -- see below, FERC moved faster than we thought."),
        (BARE_FORWARD, "FERC issued its order this morning."),
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
