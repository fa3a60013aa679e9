"""Timing in interleaved rounds: callables, and Keras models trained one epoch at a time.

Every contender is timed in *rounds* that alternate between the contenders (NumPy, Keras, NumPy,
Keras, ...), so a burst of load from another process slows both sides of a round alike; callers
report the median over rounds of each time and of the per-round ratio, which resist the odd slow
round.

Each function takes a ``clock``: a function of no arguments returning seconds, read before and
after each timed call.  ``time.perf_counter`` (the default) gives wall-clock time;
``time.process_time`` gives CPU time (the time all threads of this process ran on a processor,
which another process taking the processor barely changes: chapter 5 compares training costs
with it).  A tuple of clocks reads each of them and records a tuple of seconds per call.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from minidl.validation import check_counts, check_int

__all__ = ["interleaved_times", "EpochTimer", "train_interleaved"]

Clock = Callable[[], float]


def _check_clock(clock) -> tuple[tuple[Clock, ...], bool]:
    """(the clocks as a tuple, whether one clock was given)."""
    single = callable(clock)
    clocks = (clock,) if single else clock
    if not isinstance(clocks, tuple) or not clocks or not all(callable(c) for c in clocks):
        raise TypeError("clock must be a function returning seconds (e.g. time.perf_counter, "
                        f"time.process_time) or a tuple of them, got {clock!r}")
    return clocks, single


def _elapsed(clocks, single, starts, divisor=1):
    spent = tuple((c() - s) / divisor for c, s in zip(clocks, starts, strict=True))
    return spent[0] if single else spent


def interleaved_times(fns: dict[str, Callable[[], object]], *, repeat: int = 7,
                      number: int = 1, warmup: int = 1,
                      clock: Clock | tuple[Clock, ...] = time.perf_counter
                      ) -> dict[str, list]:
    """Time several callables in alternating rounds; return each one's seconds per call.

    fns: name -> callable taking no arguments.  repeat: number of rounds; in each round every
    callable runs ``number`` times in a row, in the order given.  warmup: untimed calls of each
    callable first (tracing, caches, thread start-up).  clock: see the module docstring.

    Returns name -> list of ``repeat`` entries, the mean seconds per call in each round (a float,
    or a tuple of floats, one per clock, when ``clock`` is a tuple).
    """
    if not fns:
        raise ValueError("fns must name at least one callable")
    number, repeat = check_counts(number=number, repeat=repeat)
    warmup = check_int(warmup, "warmup", min_value=0)
    clocks, single = _check_clock(clock)
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            starts = tuple(c() for c in clocks)
            for _ in range(number):
                fn()
            times[name].append(_elapsed(clocks, single, starts, number))
    return times


class EpochTimer:
    """A Keras callback that records the seconds of every training epoch.

    Use: ``timer = EpochTimer(); model.fit(..., callbacks=[timer.callback()])``; then
    ``timer.seconds`` is a list with one float per epoch, measured with ``clock`` (wall-clock by
    default).  The first epoch includes tracing and graph building; :meth:`steady` is the median
    of the later ones.
    """

    def __init__(self, clock: Clock = time.perf_counter):
        if not callable(clock):
            raise TypeError(f"clock must be a function returning seconds, got {clock!r}")
        self.clock = clock
        self.seconds: list[float] = []
        self._start = None

    def callback(self):
        import keras

        timer = self

        class _Callback(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                timer._start = timer.clock()

            def on_epoch_end(self, epoch, logs=None):
                timer.seconds.append(timer.clock() - timer._start)

        return _Callback()

    def steady(self) -> float:
        """Median seconds per epoch, leaving out the first epoch when there are two or more."""
        if not self.seconds:
            raise ValueError("no epoch was timed: pass timer.callback() to model.fit")
        later = self.seconds[1:] or self.seconds
        return float(np.median(later))


def train_interleaved(models: dict, x, y, *, epochs: int, batch_size: int = 32,
                      shuffle: bool = True, clock: Clock | tuple[Clock, ...] = time.perf_counter
                      ) -> dict[str, list]:
    """Train several compiled Keras models one epoch at a time, in alternation; time each epoch.

    Each round calls ``model.fit(x, y, epochs=1, ...)`` once per model, in the order given, so a
    burst of load from another process slows every model's epoch of that round alike.  The first
    round includes tracing and graph building (Keras reuses the traced step afterwards).

    models: name -> compiled Keras model taking ``x``.  x: (N, T, D) inputs; y: (N,) or (N, k)
    targets, the same for every model.  epochs: rounds (epochs per model); batch_size: as in
    ``fit`` (the same for all models).  clock: see the module docstring;
    ``clock=(time.perf_counter, time.process_time)`` records wall-clock and CPU seconds.

    Returns name -> list of ``epochs`` entries, the seconds of each epoch (a float, or a tuple of
    floats, one per clock, when ``clock`` is a tuple).
    """
    if not models:
        raise ValueError("models must name at least one compiled Keras model")
    epochs, batch_size = check_counts(epochs=epochs, batch_size=batch_size)
    if len(x) != len(y):
        raise ValueError(f"x and y need the same number of samples, got {len(x)} and {len(y)}")
    clocks, single = _check_clock(clock)
    seconds: dict[str, list] = {name: [] for name in models}
    for _ in range(epochs):
        for name, model in models.items():
            starts = tuple(c() for c in clocks)
            model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=shuffle, verbose=0)
            seconds[name].append(_elapsed(clocks, single, starts))
    return seconds
