"""Our own Presidio recognizers, registered by name: one small class per module.

:data:`REGISTRY` maps a recognizer name to ``"module:Class"``; modules are
imported only when a recognizer is built. An unknown name is a ConfigError.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from presidio_analyzer import EntityRecognizer

from backchannel.errors import ConfigError

REGISTRY: dict[str, str] = {
    "slack_token": "privacy.recognizers.slack_token:SlackTokenRecognizer",
    "aws_key": "privacy.recognizers.aws_key:AwsKeyRecognizer",
    "us_phone": "privacy.recognizers.us_phone:UsPhoneRecognizer",
    "intl_phone": "privacy.recognizers.intl_phone:IntlPhoneRecognizer",
    "phone_cue": "privacy.recognizers.phone_cue:CuedPhoneRecognizer",
    "street_address": "privacy.recognizers.street_address:StreetAddressRecognizer",
    "tracking_number": "privacy.recognizers.tracking_number:TrackingNumberRecognizer",
    "account_id": "privacy.recognizers.account_id:AccountIdRecognizer",
    "password": "privacy.recognizers.password:PasswordRecognizer",
    "api_key": "privacy.recognizers.api_key:ApiKeyRecognizer",
    "private_key": "privacy.recognizers.private_key:PrivateKeyRecognizer",
    "generic_secret": "privacy.recognizers.generic_secret:GenericSecretRecognizer",
    "date_of_birth": "privacy.recognizers.date_of_birth:DateOfBirthRecognizer",
    "iban": "privacy.recognizers.iban:IbanChecksumRecognizer",
    "payment_card": "privacy.recognizers.payment_card:PaymentCardRecognizer",
    "person_forms": "privacy.recognizers.person_forms:PersonFormsRecognizer",
    "person_cues": "privacy.recognizers.person_cues:PersonCuesRecognizer",
    "person_grammar": "privacy.recognizers.person_grammar:PersonGrammarRecognizer",
    "us_ssn": "privacy.recognizers.us_ssn:UsSsnContextRecognizer",
}

DEFAULT_RECOGNIZERS: tuple[str, ...] = tuple(REGISTRY)


def build_recognizers(names: Iterable[str] = DEFAULT_RECOGNIZERS) -> list[EntityRecognizer]:
    """Instantiate our recognizers by name."""
    out = []
    for name in names:
        target = REGISTRY.get(name)
        if target is None:
            raise ConfigError(
                f"[P001] Unknown PII recognizer {name!r}. Known recognizers: {', '.join(sorted(REGISTRY))}."
            )
        module_name, class_name = target.split(":")
        out.append(getattr(importlib.import_module(module_name), class_name)())
    return out
