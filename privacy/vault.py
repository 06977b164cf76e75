"""The vault: real values behind surrogates, encrypted, opened only by an admin on purpose.

Off unless the ``vault`` setting is on. Values are sealed with Fernet
(AES-128-CBC + HMAC-SHA256, the ``cryptography`` package) under ``vault_key``,
which comes only from the environment. Every re-identification is written to
the audit log (who, which surrogate, why; never the value).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from backchannel.errors import ConfigError
from backchannel.store import Store
from privacy.pseudonyms import parse_surrogate

KEY_HINT = "set BACKCHANNEL_VAULT_KEY to a key from `backchannel vault new-key`, kept outside the database"


class Vault:
    def __init__(self, key: str) -> None:
        if not key:
            raise ConfigError(f"[P010] The vault is on but has no key: {KEY_HINT}.")
        try:
            self._fernet = Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ConfigError(f"[P011] BACKCHANNEL_VAULT_KEY is not a valid key: {KEY_HINT}.") from None

    def seal(self, value: str) -> str:
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ConfigError(
                "[P012] This vault entry was sealed under another BACKCHANNEL_VAULT_KEY; set the key it "
                "was sealed with."
            ) from None


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def reveal(store: Store, token: str, key: str, *, actor: str, reason: str) -> str:
    """The real value behind ``<TYPE_n>``; the request is audited whether or not it succeeds."""
    if not reason.strip():
        raise ConfigError("[P013] Say why you re-identify this value (--reason); it goes to the audit log.")
    parsed = parse_surrogate(token)
    if parsed is None:
        raise ConfigError(f"[P014] {token!r} is not a surrogate; they look like <PERSON_17>.")
    with store.transaction():
        store.audit(actor, "vault.reveal", f"{token} reason: {reason.strip()}")
    sealed = store.vault_get(*parsed)
    if sealed is None:
        raise ConfigError(
            f"[P015] {token} is not in the vault: the vault was off when it was made, or it does not exist."
        )
    return Vault(key).open(sealed)
