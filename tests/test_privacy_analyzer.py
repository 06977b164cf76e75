"""privacy.analyzer: Presidio on our spaCy pipeline, English only, offline, quiet."""

from __future__ import annotations

import logging
import socket

import pytest

from backchannel.errors import ConfigError


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"network access attempted: {args!r}")


def test_analyzer_builds_offline_without_warnings(monkeypatch, caplog, recwarn):
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    from privacy.analyzer import build_analyzer

    with caplog.at_level(logging.INFO):
        analyzer = build_analyzer()
        results = analyzer.analyze("mail maria.gonzalez@gmail.com", language="en")

    assert "EMAIL_ADDRESS" in {r.entity_type for r in results}  # tldextract worked offline
    noisy = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert noisy == []
    assert len(recwarn) == 0
    assert analyzer.supported_languages == ["en"]
    assert {r.supported_language for r in analyzer.registry.recognizers} == {"en"}


def test_analyzer_uses_the_shared_spacy_pipeline():
    from nlp.parse import load_nlp
    from privacy.analyzer import get_analyzer

    assert get_analyzer().nlp_engine.get_nlp("en") is load_nlp()
    assert get_analyzer() is get_analyzer()


def test_analyzer_tldextract_never_fetches_the_suffix_list():
    import tldextract.tldextract as tldx

    import privacy.analyzer  # noqa: F401  (sets tldextract up)

    privacy.analyzer.build_analyzer()
    assert not [u for u in tldx.TLD_EXTRACTOR.suffix_list_urls if str(u).startswith("http")]


def test_analyzer_registers_our_recognizers_by_name():
    from privacy.analyzer import get_analyzer

    names = {r.name for r in get_analyzer().registry.recognizers}
    assert {"SlackTokenRecognizer", "AwsKeyRecognizer", "UsPhoneRecognizer"} <= names


def test_recognizers_unknown_name_is_a_config_error():
    from privacy.recognizers import build_recognizers

    with pytest.raises(ConfigError, match="slack_token"):
        build_recognizers(["no_such_recognizer"])


def test_analyzer_indexed_context_enhancer_matches_presidios():
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

    from nlp.parse import load_nlp
    from privacy.analyzer import IndexedContextEnhancer, build_analyzer

    analyzer = build_analyzer()
    assert isinstance(analyzer.context_aware_enhancer, IndexedContextEnhancer)
    text = (
        "Phillip,\nmy phone 713 853 6197, fax (713) 646-2391, SSN 536-22-8471, routing 111000025,\n"
        "card number 4111111111111111 and license D1234567. Call 7138536197 x12 or mail kim@enron.com."
    )
    artifacts = analyzer.nlp_engine.artifacts(load_nlp()(text))

    def run() -> list[tuple[int, int, str, float]]:
        found = analyzer.analyze(text, language="en", nlp_artifacts=artifacts)
        return sorted((r.start, r.end, r.entity_type, r.score) for r in found)

    fast = run()
    analyzer.context_aware_enhancer = LemmaContextAwareEnhancer()
    assert fast == run()
    assert any(score > 0.4 for *_, score in fast)  # context words did raise some scores


def test_analyzer_replaces_presidios_phone_and_nhs_recognizers():
    from privacy.analyzer import REPLACED_RECOGNIZERS, get_analyzer

    names = {r.name for r in get_analyzer().registry.recognizers}
    assert not names & set(REPLACED_RECOGNIZERS)
    assert {"UsPhoneRecognizer", "IntlPhoneRecognizer"} <= names


def test_a_phone_number_passing_the_nhs_checksum_is_a_phone():
    from privacy.detect import PiiDetector

    spans = PiiDetector().detect("Call me at 713-646-8272 tomorrow.")
    assert "PHONE_NUMBER" in [s.type for s in spans] and "UK_NHS" not in [s.type for s in spans]
