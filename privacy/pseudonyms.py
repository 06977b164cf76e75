"""Stable surrogates: the same real value gets the same ``<TYPE_n>`` in every source.

A value is normalised (a person's name case-, punctuation- and order-
insensitively, an address in lower case, a phone number as its digits), then
hashed with a secret key (HMAC-SHA256): the store keeps only that digest and
its number, so a low-entropy value such as a phone number cannot be found again
by hashing every candidate. With the vault on, the real value is also kept,
encrypted, for an admin's explicit re-identification (:mod:`privacy.vault`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from privacy.scrub import name_key

if TYPE_CHECKING:
    from backchannel.settings import Settings
    from backchannel.store import Store
    from privacy.vault import Vault

_DIGITS = re.compile(r"\D")
_SURROGATE = re.compile(r"^<([A-Z][A-Z0-9_]*?)_(\d+)>$")


def normalize(kind: str, value: str) -> str:
    """The form under which two spellings of one value are the same value."""
    if kind == "PERSON":
        return name_key(value)
    if kind == "PHONE_NUMBER":
        digits = _DIGITS.sub("", value)
        return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    return " ".join(value.casefold().split())


def parse_surrogate(token: str) -> tuple[str, int] | None:
    """``<PERSON_17>`` -> ``("PERSON", 17)``; None for anything else."""
    found = _SURROGATE.match(token.strip())
    return (found.group(1), int(found.group(2))) if found else None


def load_key(settings: Settings) -> bytes:
    """The ``pseudonym_key`` setting, or a random key made once and kept in DATA_DIR (0600)."""
    if settings.pseudonym_key:
        return settings.pseudonym_key.encode("utf-8")
    path = Path(settings.data_dir) / "pseudonym_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip().encode("ascii")


class Pseudonymizer:
    """Callable as ``scrub``'s ``surrogate``: ``(type, real value) -> "<TYPE_n>"``."""

    def __init__(self, store: Store, key: bytes, vault: Vault | None = None) -> None:
        self.store = store
        self.key = key
        self.vault = vault
        self._known: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, value: str) -> str:
        norm = normalize(kind, value) or value
        digest = hmac.new(self.key, f"{kind}\x1f{norm}".encode(), hashlib.sha256).hexdigest()
        token = self._known.get((kind, digest))
        if token is None:
            number, new = self.store.pseudonym_number(kind, digest)
            if new and self.vault is not None:
                self.store.vault_put(kind, number, self.vault.seal(value))
            token = self._known[(kind, digest)] = f"<{kind}_{number}>"
        return token
