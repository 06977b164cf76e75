"""Topics that may be talked about but must never be surfaced: allow, grey and block lists.

People mention their health, faith or family in a work chat; a wiki that
turned "Chemotherapy" or "Islam" into a topic page, with who talks about it,
would out them. A **grey** topic keeps its mentions in the messages (the text
is the text) but never gets a topic page, never appears among related topics,
people's topics or digests, and its mentions are not linked. A **blocked**
topic is not even recorded as a link. The built-in grey list covers the GDPR's
special categories (health, religion, sexuality, ethnicity, politics' party
membership, trade unions) by Wikipedia title and by unambiguous words in a
title; the ``topic_allowlist`` setting takes entries off it, ``topic_greylist``
and ``topic_blocklist`` add to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Wikipedia titles that are sensitive by themselves.
SENSITIVE_TITLES = frozenset(
    t.casefold()
    for t in (
        # health
        "Cancer", "Breast cancer", "Chemotherapy", "HIV/AIDS", "HIV", "AIDS", "Diabetes", "Depression (mood)",
        "Major depressive disorder", "Anxiety", "Bipolar disorder", "Schizophrenia", "Pregnancy",
        "Miscarriage",
        "Abortion", "In vitro fertilisation", "Alcoholism", "Substance abuse", "Drug rehabilitation",
        "Suicide", "Dementia", "Alzheimer's disease", "Multiple sclerosis", "Epilepsy", "Autism",
        "Attention deficit hyperactivity disorder", "Obesity", "Disability", "Mental health", "Therapy",
        "Psychotherapy", "Hospital", "Surgery", "Medical leave",
        # religion and belief
        "Religion", "Christianity", "Islam", "Judaism", "Hinduism", "Buddhism", "Sikhism", "Atheism",
        "Catholic Church", "Mormonism", "The Church of Jesus Christ of Latter-day Saints", "Muslims",
        "Jews", "Ramadan", "Yom Kippur", "Mosque", "Synagogue",
        # sexuality and gender identity
        "Homosexuality", "Sexual orientation", "LGBT", "Gay", "Lesbian", "Bisexuality", "Transgender",
        "Same-sex marriage", "Gender identity",
        # ethnicity, politics, unions
        "Race (human categorization)", "Ethnic group", "Trade union", "Democratic Party (United States)",
        "Republican Party (United States)",
    )
)  # fmt: skip
#: Words that make any title containing them sensitive ("Lung cancer", "Crohn's disease").
SENSITIVE_WORDS = re.compile(
    r"\b(?:cancer|carcinoma|tumou?r|leukemia|disease|disorder|syndrome|hiv|pregnan\w*|religio\w*|"
    r"homosexual\w*|transgender|lgbt\w*|psychiatr\w*|rehab)\b",
    re.IGNORECASE,
)

GREY, BLOCK = "grey", "block"


def _terms(value: str) -> frozenset[str]:
    return frozenset(t.strip().casefold() for t in value.split(",") if t.strip())


@dataclass(frozen=True)
class TopicLists:
    grey: frozenset[str] = frozenset()
    block: frozenset[str] = frozenset()
    allow: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, greylist: str = "", blocklist: str = "", allowlist: str = "") -> TopicLists:
        return cls(grey=_terms(greylist), block=_terms(blocklist), allow=_terms(allowlist))

    def classify(self, title: str, mention: str = "") -> str | None:
        """``"block"``, ``"grey"`` or None for an entity title (and the words that named it)."""
        names = {title.casefold(), mention.casefold()} - {""}
        if names & self.block:
            return BLOCK
        if names & self.allow:
            return None
        if names & self.grey or names & SENSITIVE_TITLES or SENSITIVE_WORDS.search(title):
            return GREY
        return None
