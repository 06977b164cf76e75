"""privacy.person_filter: a PERSON guess needs evidence; things that look like names are kept.

Rows are (text, the guessed span, whether it may be a person). The guesses are
what spaCy's small model or the first-name list report on real Enron and Slack
text; the filter must drop the things and keep the people.
"""

from __future__ import annotations

import pytest

from backchannel.records import PiiSpan
from privacy.person_filter import SPACY, credible, credible_persons

ROWS = [
    # things, not people
    ("the quarterly zebrafinch review is on Friday", "zebrafinch review", False),
    ("the quarterly Zebrafinch review is on Friday", "Zebrafinch", False),
    ("Project Bluebird ships in May", "Bluebird", False),
    ("From: Walsh, Kristin\nSent: Monday, July 23, 2001", "Sent", False),
    ("Electric  Utility Consultants, Inc.", "Electric  Utility Consultants, Inc.", False),
    ("get in touch with Mickey Ferrell Realtors today", "Mickey Ferrell", False),
    ("at Two Allen Center in the Forum", "Allen Center", False),
    ("Penalty amount $1,366.56", "Penalty", False),
    ("c) Smart Order Routing\nd) Instant Execution", "Smart Order Routing", False),
    ("PBH2   Frozen Pork Bellies Mar 2002", "Frozen Pork Bellies", False),
    ("from Houston to San Francisco, CA", "Francisco", False),
    ("Austin, TX 78733-4004", "Austin", False),
    ("a trip to Burkina Faso was super fun", "Burkina Faso", False),
    ("our office in Georgia is closed", "Georgia", False),
    ("the RSVP deadline is June 8th", "RSVP", False),
    ("Dr. Megan Sato Apt. 630", "Sato Apt", False),
    ("Leader Passcode: 835951", "Passcode", False),
    ("the old arrays.\nBackout: Connect the old array", "Backout", False),
    # guesses of the sentence's grammar ("X's address"): an org or a label is no person
    ("Go to EIA's home page at www.eia.doe.gov", "EIA", False),
    ("heading into Friday's number!", "Friday", False),
    ("Energy Power Risk Management, May 2001", "Management, May", False),
    ("Beverly Stephens, Administration, ENA", "Administration, ENA", False),
    ("NGG2   Henry Hub Natural Gas Feb 2002", "Henry Hub", False),
    ("(SFO-San Francisco Intl.)", "Francisco", False),
    ("Chapman, Kay; Daw, Nicki; Elbertson, Janette", "Daw, Nicki", True),
    ("for $25 donation.\nJDRF Sneaker (paper) Sales", "JDRF Sneaker", False),
    ("Subject:\tFW: DASH re Cuiaba GSA with YPF/Andina", "Cuiaba GSA", False),
    ("discuss Cook Inlet's joint venture", "Cook Inlet's", False),
    ("205 South Commons Ford Road, No.1\nAustin, Tx 78733-4004", "Austin", False),
    ("Cc: Dalton III, Oscar\nSubject: FW:", "Dalton III", True),
    ("By RICHARD A. OPPEL Jr.\n\nTo make", "RICHARD A. OPPEL Jr.", True),
    ('From: \t"Shine, David" <david.shine@ubspw.com>', "Shine, David", True),
    # people
    ("Vishal joined our group in October.", "Vishal", True),
    ("ask Karen Farrow about it", "Karen Farrow", True),
    ("I met Georgia and Stephanie at the meetup", "Georgia", True),
    ("Thanks,\nINA.", "INA", True),
    ("Mike Grigsby\nDirector, West Gas Trading", "Mike Grigsby", True),
    ("Shannon Azevedo\nSystems administrator", "Shannon Azevedo", True),
    ("Unlike the Crawford novel, it's not about that", "Crawford", True),
    ("Mr. Ford is a 50 year old man", "Ford", True),
    ("Phillip: see the note below", "Phillip", True),
]


def _span(text: str, value: str, source: str = SPACY) -> PiiSpan:
    start = text.index(value)
    return PiiSpan(start, start + len(value), "PERSON", 0.85, source)


@pytest.mark.parametrize(("text", "value", "expected"), ROWS)
def test_person_filter_table(text: str, value: str, expected: bool) -> None:
    assert credible(text, _span(text, value)) is expected


def test_person_filter_checks_only_guesses() -> None:
    text = "Sent: Monday"
    structural = _span(text, "Sent", source="PersonFormsRecognizer")
    other_type = PiiSpan(0, 4, "PHONE_NUMBER", 0.9, SPACY)
    assert credible_persons(text, [structural, other_type]) == [structural, other_type]
    assert credible_persons(text, [_span(text, "Sent")]) == []


def test_person_filter_asks_about_the_organisation_s_own_terms() -> None:
    text = "deal 490242 went into Sitara today"
    guess = _span(text, "Sitara")
    assert credible(text, guess)  # an unknown word: it could be a name
    assert not credible(text, guess, non_person=lambda t: t == "Sitara")  # a local topic
