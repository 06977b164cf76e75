"""US street addresses: ``1400 Smith Street``, ``1400 Smith St., Houston, TX 77002``, ``P.O. Box 1188``.

A house number and capitalised words only count when a street-type suffix
(Street, Ave, Blvd, Rd, ...) ends them, so "200 Enron employees" or "2001 Annual
Report" never match; an optional unit (Suite, Apt, #) and ", City, ST zip"
join the span. A suite alone (``Suite 3500``) is part of an address too.
"""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule

_SUFFIX = (
    r"(?i:Street|St|Avenue|Ave|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Ln|Way|Parkway|Pkwy|Court|Ct"
    r"|Place|Pl|Circle|Cir|Highway|Hwy|Freeway|Fwy|Expressway|Expy|Trail|Trl|Terrace|Ter|Square|Sq"
    r"|Plaza|Plz|Loop|Crossing|Alley|Pike|Turnpike)\b\.?"
)
_DIRECTION = r"(?:[NSEW]\.?|North|South|East|West|[NS][EW]\.?)"
_WORD = r"(?:[A-Z][A-Za-z'-]*\.?|\d{1,3}(?:st|nd|rd|th)?)"
_UNIT = r"(?:,?[ ](?:Suite|Ste\.?|Apt\.?|Apartment|Unit|Room|Rm\.?|Floor|Fl\.?|\#)[ ]?\#?[A-Z0-9-]{1,6}\b)"
_CITY_STATE_ZIP = (
    r"(?:,[ ]?(?:[A-Z][A-Za-z.]*[ ]){0,2}[A-Z][A-Za-z.]*,?"  # city
    r"[ ]+(?:[A-Z]{2}|[A-Z][a-z]+)\.?[ ]+\d{5}(?:-\d{4})?\b)"  # state and zip
)


class StreetAddressRecognizer(RegexRecognizer):
    """Number + name + street suffix (+ unit, city, state, zip); P.O. boxes; suites."""

    ENTITY = "STREET_ADDRESS"
    RULES = (
        Rule(
            "street",
            rf"(?<![\w$.,:/-])\d{{1,6}}(?:-?[A-Z])?[ ](?:{_DIRECTION}[ ])?"
            rf"(?!United Way)(?:{_WORD}[ ]){{1,4}}{_SUFFIX}"  # Enron's yearly "2001 United Way" campaign
            rf"(?:[ ]{_DIRECTION}\b)?{_UNIT}?{_CITY_STATE_ZIP}?",
            0.9,
            flags=0,
        ),
        Rule("post office box", r"\b(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box)\s?\#?\d{1,7}\b", 0.9),
        Rule("suite", r"(?<!Office )\b(?:Suite|Ste\.)\s?\#?\d{1,5}[A-Z]?\b", 0.6, flags=0),
    )
