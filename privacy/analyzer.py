"""Build Presidio's analyzer on our one spaCy pipeline, English only, offline.

A plain ``AnalyzerEngine()`` would look for ``en_core_web_lg`` and try to
download it, and its default registry loads recognizers for languages we do
not use (each logs a warning). Here the NLP engine wraps the pipeline that
:func:`nlp.parse.load_nlp` already loaded, the registry holds only English
recognizers plus ours (see :mod:`privacy.recognizers`), and tldextract (used by
the email recognizer) is held to its bundled public-suffix snapshot.
"""

from __future__ import annotations

import bisect
import functools
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# tldextract builds its module-level extractor at import time from this
# variable; empty means "never fetch the suffix list, use the bundled copy".
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import tldextract.tldextract as _tldx  # noqa: E402
import yaml  # noqa: E402
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult  # noqa: E402
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer  # noqa: E402
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine  # noqa: E402
from presidio_analyzer.recognizer_registry import RecognizerRegistryProvider  # noqa: E402
from spacy.attrs import IDX, LEMMA, LENGTH  # noqa: E402

from nlp.parse import load_nlp  # noqa: E402
from privacy.recognizers import DEFAULT_RECOGNIZERS, build_recognizers  # noqa: E402

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

import presidio_analyzer as _presidio  # noqa: E402

_DEFAULT_RECOGNIZERS_YAML = Path(_presidio.__file__).parent / "conf" / "default_recognizers.yaml"

LANGUAGE = "en"

#: spaCy labels that become Presidio entities; everything else is ignored
#: (ORG has many false positives and is not personal data; numbers, money and
#: products are not PII). Mirrors presidio's conf/spacy.yaml.
NER_MAPPING = {
    "PERSON": "PERSON",
    "NORP": "NRP",
    "FAC": "LOCATION",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
NER_IGNORED = [
    "ORG",
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
]


#: Presidio recognizers ours replace or that mislabel workplace text:
#: - PhoneRecognizer (phonenumbers): about a third of the analyzer's time on Enron
#:   mail, and it fires on price columns and deal numbers; privacy/recognizers'
#:   us_phone + intl_phone found 112 of 113 real phones in 200 Enron bodies at
#:   100% precision, against its 111 at 89.5% (see privacy/README.md).
#: - NhsRecognizer: any 10-digit number passing the NHS checksum, about 1 US phone
#:   number in 11, was labelled UK_NHS at score 1.0.
#: - UrlRecognizer, DateRecognizer: their types (URL, DATE_TIME) are kept by the policy and never
#:   win an overlap (privacy.detect.DESCRIPTIVE_TYPES), so their spans change nothing that is
#:   stored; the URL regex alone was 1.1 ms of the 7 ms a message took (bench/RESULTS.md).
REPLACED_RECOGNIZERS = ("PhoneRecognizer", "NhsRecognizer", "UrlRecognizer", "DateRecognizer")


def _offline_tldextract() -> None:
    """Make sure tldextract never fetches the suffix list, even if imported earlier."""
    urls = getattr(_tldx.TLD_EXTRACTOR, "suffix_list_urls", ())
    if any(str(u).startswith(("http:", "https:")) for u in urls):
        _tldx.TLD_EXTRACTOR = _tldx.TLDExtract(suffix_list_urls=(), fallback_to_snapshot=True)


def _english_configuration() -> dict[str, Any]:
    """Presidio's default recognizer list, cut down to the English entries.

    Loading the stock list with an English-only registry builds the Spanish,
    Italian and Polish recognizers anyway and logs a warning for each.
    """
    conf = yaml.safe_load(_DEFAULT_RECOGNIZERS_YAML.read_text(encoding="utf-8"))
    kept = []
    for rec in conf["recognizers"]:
        langs = rec.get("supported_languages") if isinstance(rec, dict) else None
        if langs:
            english = [
                lang
                for lang in langs
                if (lang if isinstance(lang, str) else lang.get("language")) == LANGUAGE
            ]
            if not english:
                continue
            rec = {**rec, "supported_languages": english}
        kept.append(rec)
    return {
        "supported_languages": [LANGUAGE],
        "global_regex_flags": conf.get("global_regex_flags", 26),
        "recognizers": kept,
    }


class SharedSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine on a pipeline that is already loaded (no download path)."""

    def __init__(self, nlp: Language) -> None:
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": nlp.meta.get("name", "shared")}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(NER_MAPPING),
                labels_to_ignore=list(NER_IGNORED),
            ),
        )
        self.nlp = {LANGUAGE: nlp}

    def load(self) -> None:  # already loaded; never spacy.load / spacy.cli.download
        return None

    def artifacts(self, doc: Doc) -> NlpArtifacts:
        """Presidio's view of a Doc the shared pipeline already made.

        The same fields as Presidio's ``_doc_to_nlp_artifact``, read as arrays
        (iterating the Doc makes a Token object per token: a quarter of detection
        time), with keywords made only if the context enhancer asks for them.
        """
        columns = doc.to_array([LEMMA, IDX])
        strings = doc.vocab.strings
        lemmas = [strings[h] for h in columns[:, 0].tolist()] if len(columns) else []
        indices = columns[:, 1].tolist() if len(columns) else []
        entities = self._get_entities(doc)
        entities, scores = self._get_updated_entities(entities, self._get_scores_for_entities(doc))
        return _LazyKeywordArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=indices,
            lemmas=lemmas,
            nlp_engine=self,
            language=LANGUAGE,
            scores=scores,
        )


class _LazyKeywordArtifacts(NlpArtifacts):
    """NlpArtifacts whose keywords (a vocabulary lookup per token) are made on first read."""

    _LATER: list[str] = []

    @staticmethod
    def set_keywords(nlp_engine: Any, lemmas: list[str], language: str) -> list[str]:
        return _LazyKeywordArtifacts._LATER

    @property  # type: ignore[override]
    def keywords(self) -> list[str]:
        if self._keywords is None:
            self._keywords = NlpArtifacts.set_keywords(self.nlp_engine, self.lemmas, LANGUAGE)
        return self._keywords

    @keywords.setter
    def keywords(self, value: list[str]) -> None:
        self._keywords = None if value is _LazyKeywordArtifacts._LATER else value


class IndexedContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer with the same results, found by bisection.

    The stock one walks every token of the document (building a spaCy Token
    object each time) to find the token of each finding, and tests lemmas
    against a list: quadratic in the length of a message. Here the token ends
    are read once per document and searched with ``bisect``, keywords are a set.
    """

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Only results of recognizers with context words go through (and are deep-copied by)
        the stock enhancer; the rest (most, ours declare none) are returned as they are."""
        with_context = {r.id for r in recognizers if r.context}
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        todo = [r for r in raw_results if (r.recognition_metadata or {}).get(key) in with_context]
        if not todo:
            return list(raw_results)
        rest = [r for r in raw_results if (r.recognition_metadata or {}).get(key) not in with_context]
        return rest + super().enhance_using_context(text, todo, nlp_artifacts, recognizers, context)

    def _extract_surrounding_words(self, nlp_artifacts: NlpArtifacts, word: str, start: int) -> list[str]:
        if not nlp_artifacts.tokens:
            return [""]
        ends, keywords = _token_index(nlp_artifacts)
        index = bisect.bisect_right(ends, start)  # the first token that ends after ``start``
        if index == len(ends):
            raise ValueError("Did not find the finding's token although it is expected to be found")
        before = self._add_n_words(index, self.context_prefix_count, nlp_artifacts.lemmas, keywords, True)
        after = self._add_n_words(index, self.context_suffix_count, nlp_artifacts.lemmas, keywords, False)
        return list(set(before + after))


def _token_index(artifacts: NlpArtifacts) -> tuple[list[int], frozenset[str]]:
    """End offset of every token and the keyword set of one document, computed once and kept on it."""
    cached = getattr(artifacts, "_backchannel_index", None)
    if cached is None:
        # token ends read as one array: iterating the Doc builds a Token object per token
        offsets = artifacts.tokens.to_array([IDX, LENGTH])
        ends = (offsets[:, 0] + offsets[:, 1]).tolist() if len(offsets) else []
        cached = (ends, frozenset(artifacts.keywords))
        artifacts._backchannel_index = cached  # type: ignore[attr-defined]
    return cached


def build_analyzer(recognizers: Iterable[str] = DEFAULT_RECOGNIZERS) -> AnalyzerEngine:
    """A new English-only AnalyzerEngine on the shared spaCy pipeline (no network)."""
    _offline_tldextract()
    engine = SharedSpacyNlpEngine(load_nlp())
    provider = RecognizerRegistryProvider(registry_configuration=_english_configuration())
    registry = provider.create_recognizer_registry()
    registry.add_nlp_recognizer(nlp_engine=engine)
    for name in REPLACED_RECOGNIZERS:
        registry.remove_recognizer(name)
    for recognizer in build_recognizers(recognizers):
        registry.add_recognizer(recognizer)
    analyzer = AnalyzerEngine(
        registry=registry,
        nlp_engine=engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=IndexedContextEnhancer(),
    )
    log.info("presidio analyzer ready: %d recognizers", len(registry.recognizers))
    return analyzer


@functools.cache
def get_analyzer() -> AnalyzerEngine:
    """The process-wide analyzer (building one costs a second; reuse it)."""
    return build_analyzer()
