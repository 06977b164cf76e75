"""One small error hierarchy. Messages say what failed and what to do next.

Codes are stable so an error can be searched for: C = config, I = ingest,
S = store, P = privacy, N = NLP/knowledge base, M = mail delivery.
The CLI turns these into one clear line (``click.ClickException``); nothing
else catches them to hide them.
"""


class BackchannelError(Exception):
    """Base of every error Backchannel raises on purpose."""


class ConfigError(BackchannelError):
    """A setting or config file is wrong."""


class ConnectorError(BackchannelError):
    """A source cannot be read at all (one bad item is an IngestFailure instead)."""


class StoreError(BackchannelError):
    """The database cannot be opened or migrated."""


class ModelError(BackchannelError):
    """A model or the knowledge base is missing or not the version we verified."""


class DeliveryError(BackchannelError):
    """A digest could not be sent."""
