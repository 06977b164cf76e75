"""Backchannel: a knowledge base that writes itself out of Slack and email."""

__version__ = "0.1.0"
