"""Source secrets (Slack tokens, IMAP passwords): from the environment, or encrypted at rest.

A source either names an environment variable that holds its secret
(``secret_env=SLACK_TOKEN``: nothing is stored) or keeps it in the database
encrypted with Fernet (AES-128-CBC + HMAC) under the ``secrets_key`` setting,
which itself comes only from the environment. Secrets are never logged and
never appear in an error message.
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken

from backchannel.errors import ConfigError

KEY_HINT = (
    "set BACKCHANNEL_SECRETS_KEY to a key from `backchannel source new-key` (keep it outside the "
    "database, e.g. in the service's environment)"
)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def _fernet(key: str) -> Fernet:
    if not key:
        raise ConfigError(f"[C020] Storing or reading a source secret needs a key: {KEY_HINT}.")
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ConfigError(f"[C021] BACKCHANNEL_SECRETS_KEY is not a valid key: {KEY_HINT}.") from None


def encrypt(secret: str, key: str) -> str:
    return _fernet(key).encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str, key: str, *, source: str) -> str:
    try:
        return _fernet(key).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ConfigError(
            f"[C022] The secret of source {source!r} cannot be decrypted with this BACKCHANNEL_SECRETS_KEY "
            "(it was saved under another key). Set the key it was saved with, or add the source again."
        ) from None


def from_environment(variable: str, *, source: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise ConfigError(
            f"[C023] Source {source!r} reads its secret from the environment variable {variable}, "
            "which is not set. Export it before syncing."
        )
    return value
