"""Timing shared by the benchmark scripts."""

import time


def best_time(run, repeats: int):
    """The shortest wall-clock time in seconds of `repeats` calls of run(), and run()'s last result.

    The best of a few runs: this machine's timings wander by about 10 %.
    """
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result
