"""bookkit.bench.timing: interleaved rounds of callables and of Keras epochs, with a clock.

No test asserts a real time (times depend on the machine and its load): a fake clock that
advances by known steps shows what is measured, between which calls.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from bookkit.bench.timing import EpochTimer, interleaved_times, train_interleaved


class FakeClock:
    """A clock that stands still until ``advance``; reading it is free."""

    def __init__(self, start: float = 100.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeModel:
    """A stand-in for a compiled Keras model: each ``fit`` takes ``cost`` seconds on the clocks."""

    def __init__(self, cost, clocks, log, name):
        self.cost, self.clocks, self.log, self.name = cost, clocks, log, name

    def fit(self, x, y, *, epochs, batch_size, shuffle, verbose):
        assert (epochs, verbose) == (1, 0)
        self.log.append((self.name, batch_size, shuffle))
        for clock, cost in zip(self.clocks, self.cost, strict=True):
            clock.advance(cost)


def test_interleaved_times_alternates_and_counts_every_call():
    calls = []
    fns = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = interleaved_times(fns, repeat=3, number=2, warmup=1)
    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3
    assert set(times) == {"a", "b"}
    assert all(len(v) == 3 and all(s >= 0 for s in v) for v in times.values())


def test_interleaved_times_reads_the_given_clock_around_each_round_per_call():
    clock = FakeClock()
    fns = {"slow": lambda: clock.advance(3.0), "fast": lambda: clock.advance(0.5)}
    times = interleaved_times(fns, repeat=2, number=4, warmup=1, clock=clock)
    assert times == {"slow": [3.0, 3.0], "fast": [0.5, 0.5]}      # per call, warm-up not timed


def test_interleaved_times_with_two_clocks_records_both():
    wall, cpu = FakeClock(), FakeClock(7.0)

    def work():
        wall.advance(2.0)
        cpu.advance(0.25)

    times = interleaved_times({"w": work}, repeat=2, warmup=0, clock=(wall, cpu))
    assert times == {"w": [(2.0, 0.25), (2.0, 0.25)]}


@pytest.mark.parametrize("kwargs, error, message", [
    ({"repeat": 0}, ValueError, "repeat must be a positive integer"),
    ({"number": 1.5}, TypeError, "number must be an integer"),
    ({"warmup": -1}, ValueError, "warmup must be a non-negative integer"),
    ({"clock": 3.0}, TypeError, "clock must be a function returning seconds"),
    ({"clock": ()}, TypeError, "clock must be a function returning seconds"),
    ({"clock": (time.perf_counter, "cpu")}, TypeError, "clock must be a function"),
])
def test_interleaved_times_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        interleaved_times({"a": lambda: None}, **kwargs)


def test_interleaved_times_needs_a_callable():
    with pytest.raises(ValueError, match="at least one callable"):
        interleaved_times({})


def test_train_interleaved_alternates_models_and_times_each_epoch_on_the_clock():
    clock, log = FakeClock(), []
    models = {"article": FakeModel((4.0,), (clock,), log, "article"),
              "corrected": FakeModel((1.5,), (clock,), log, "corrected")}
    seconds = train_interleaved(models, np.zeros((5, 2)), np.zeros(5), epochs=3, batch_size=8,
                                clock=clock)
    assert seconds == {"article": [4.0] * 3, "corrected": [1.5] * 3}
    assert log == [("article", 8, True), ("corrected", 8, True)] * 3


def test_train_interleaved_with_wall_and_cpu_clocks_gives_one_pair_per_epoch():
    wall, cpu, log = FakeClock(), FakeClock(), []
    models = {"m": FakeModel((2.0, 3.5), (wall, cpu), log, "m")}
    seconds = train_interleaved(models, np.zeros((2, 1)), np.zeros(2), epochs=2,
                                clock=(wall, cpu))
    assert seconds == {"m": [(2.0, 3.5), (2.0, 3.5)]}


@pytest.mark.parametrize("kwargs, error, message", [
    ({"epochs": 0}, ValueError, "epochs must be a positive integer"),
    ({"epochs": 1, "batch_size": 0}, ValueError, "batch_size must be a positive integer"),
    ({"epochs": 1, "clock": "process_time"}, TypeError, "clock must be a function"),
])
def test_train_interleaved_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        train_interleaved({"m": object()}, np.zeros((2, 1)), np.zeros(2), **kwargs)


def test_train_interleaved_needs_matching_samples_and_a_model():
    with pytest.raises(ValueError, match="same number of samples, got 2 and 3"):
        train_interleaved({"m": object()}, np.zeros((2, 1)), np.zeros(3), epochs=1)
    with pytest.raises(ValueError, match="at least one compiled Keras model"):
        train_interleaved({}, np.zeros((2, 1)), np.zeros(2), epochs=1)


def test_epoch_timer_without_epochs_says_how_to_use_it():
    with pytest.raises(ValueError, match="timer.callback"):
        EpochTimer().steady()
    with pytest.raises(TypeError, match="clock must be a function"):
        EpochTimer(clock=0)


@pytest.mark.slow
def test_epoch_timer_records_one_time_per_epoch():
    import keras

    from minidl.seeding import set_seed

    rng = set_seed(0, tensorflow=True)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    timer = EpochTimer()
    model.fit(rng.random((8, 3)), rng.random(8), epochs=3, batch_size=4, verbose=0,
              callbacks=[timer.callback()])
    assert len(timer.seconds) == 3 and all(s > 0 for s in timer.seconds)
    assert timer.steady() == pytest.approx(float(np.median(timer.seconds[1:])))


@pytest.mark.slow
def test_train_interleaved_trains_real_keras_models_with_process_time():
    import keras

    from minidl.seeding import set_seed

    rng = set_seed(0, tensorflow=True)
    x = rng.random((16, 3)).astype("float32")
    y = x.sum(axis=1)

    def model():
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return m

    models = {"a": model(), "b": model()}
    before = models["a"].evaluate(x, y, verbose=0)
    seconds = train_interleaved(models, x, y, epochs=3, batch_size=4,
                                clock=(time.perf_counter, time.process_time))
    assert set(seconds) == {"a", "b"}
    assert all(len(v) == 3 and all(w > 0 and c > 0 for w, c in v) for v in seconds.values())
    assert models["a"].evaluate(x, y, verbose=0) < before      # it really trained
