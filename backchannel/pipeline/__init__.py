"""The pipeline's stages as importable functions; the CLI is a thin wrapper over them."""

from backchannel.pipeline.build_stage import BuildStats, build
from backchannel.pipeline.ingest_stage import ingest_path

__all__ = ["BuildStats", "build", "ingest_path"]
