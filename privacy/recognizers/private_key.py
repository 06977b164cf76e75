"""PEM private key blocks, from BEGIN to END (or to the end of the key text when cut off)."""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule


class PrivateKeyRecognizer(RegexRecognizer):
    """``-----BEGIN [RSA|EC|OPENSSH|ENCRYPTED ]PRIVATE KEY-----`` and everything up to its END line."""

    ENTITY = "CREDENTIAL"
    RULES = (
        Rule(
            "PEM private key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,-]*)",
            1.0,
            flags=0,
        ),
    )
