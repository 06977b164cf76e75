"""Dates of birth: "DOB: 04/12/1965", "date of birth 12 April 1965", "born on 4/12/65", "birthday: April 12".

spaCy already calls these DATE_TIME, which the default policy keeps, so a
birth date needs its own type. Both scores are above spaCy's 0.85 on purpose:
when the two cover the same text the higher score wins, and that must be us.
"""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?P<value>\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH},?(?:\s(?:19|20)\d{{2}})?"
    rf"|{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s(?:19|20)\d{{2}})?)(?![\w/.-]\d)\b"
)
_SEPARATOR = r"\s?(?:is|was|on|of)?\s?[:=-]?\s?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s)?"


class DateOfBirthRecognizer(RegexRecognizer):
    """A date right after "DOB", "date of birth", "born (on)" or "birthday"."""

    ENTITY = "DATE_OF_BIRTH"
    RULES = (
        Rule("labelled", rf"\b(?:dob|d\.o\.b\.?|date\sof\sbirth|birth\s?date){_SEPARATOR}{_DATE}", 0.95),
        Rule("born / birthday", rf"\b(?:born|birthday|b-?day){_SEPARATOR}{_DATE}", 0.9),
    )
