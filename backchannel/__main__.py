"""``python -m backchannel`` runs the CLI (same as the ``backchannel`` command)."""

from backchannel.cli import main

main()
