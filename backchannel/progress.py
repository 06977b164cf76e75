"""One progress helper for every long run, with a quiet mode."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(total: int | None, desc: str, *, quiet: bool = False, unit: str = "msg") -> Iterator[tqdm]:
    """A bar on stderr showing count, rate (e.g. msg/s) and time left; silent when quiet."""
    bar = tqdm(
        total=total,
        desc=desc,
        unit=unit,
        disable=quiet,
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.5,
        smoothing=0.1,
    )
    try:
        yield bar
    finally:
        bar.close()
