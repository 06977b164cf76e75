"""Backchannel: a knowledge base that writes itself out of Slack and email."""

import os

# Offline by construction: no model hub, and tldextract (used by Presidio's URL
# and email recognizers) uses its bundled public-suffix snapshot instead of
# downloading one. Set before any of those libraries is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

__version__ = "0.1.0"
