"""AWS access key ids (AKIA/ASIA + 16 upper-case letters or digits) and secret keys after their label."""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule


class AwsKeyRecognizer(RegexRecognizer):
    """A key id is distinctive enough alone; a secret key (40 base64 characters) needs its name."""

    ENTITY = "CREDENTIAL"
    RULES = (
        Rule("AWS access key id", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b", 0.9, flags=0),
        Rule(
            "AWS secret access key",
            r"\b(?:aws[_ ]?)?secret[_ ]?(?:access[_ ]?)?key(?:[_ ]?id)?[\"']?\s?[:=]\s?[\"']?"
            r"(?P<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
            0.95,
        ),
    )
