"""Shared helpers of the benchmark scripts: timing and the common command-line options."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls after one warm-up call (seconds)."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def size_arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    """--rows, --cols, --repeat (defaults: 1,000,000 x 20, best of 5)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args(argv)
