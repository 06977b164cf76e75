"""Provider API keys and tokens with a fixed shape: GitHub, Google, Stripe, JSON Web Tokens.

Each prefix is specific enough to score high without any context word.
"""

from __future__ import annotations

from privacy.recognizers.base import RegexRecognizer, Rule


class ApiKeyRecognizer(RegexRecognizer):
    """ghp_/gho_/ghu_/ghs_/ghr_ and github_pat_, AIza..., sk_/rk_live_ and _test_, eyJ...eyJ... JWTs."""

    ENTITY = "CREDENTIAL"
    RULES = (
        Rule("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36}\b", 0.95, flags=0),
        Rule("GitHub fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b", 0.95, flags=0),
        Rule("Google API key", r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])", 0.9, flags=0),
        Rule("Stripe live key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{16,}\b", 0.95, flags=0),
        Rule("Stripe test key", r"\b(?:sk|rk)_test_[0-9A-Za-z]{16,}\b", 0.85, flags=0),
        Rule(
            "JSON Web Token",
            r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}(?![\w-])",
            0.95,
            flags=0,
        ),
    )
