"""Measuring speed honestly on a shared machine: the harness behind ``make bench`` and chapter 12.

One concern per module:

- :mod:`.timing`: interleaved rounds of callables (:func:`~.timing.interleaved_times`) and of
  Keras training epochs (:func:`~.timing.train_interleaved`, :class:`~.timing.EpochTimer`), each
  with a ``clock=`` (wall-clock ``time.perf_counter`` by default, ``time.process_time`` for CPU
  time, as chapter 5 measures);
- :mod:`.machine`: what machine a measurement came from (:func:`~.machine.machine_info`);
- :mod:`.lstm`: the NumPy LSTM (:mod:`minidl.lstm`) against ``keras.layers.LSTM``
  (:func:`~.lstm.compare_lstm`), its FLOP count and the matmul ceilings (chapter 12);
- :mod:`.results`: the result rows of ``benchmarks/``, the results file
  ``benchmarks/results/latest.json`` (load, save) and its tables.

``benchmarks/run.py`` runs them at full size, chapter 12 at a reduced size that executes in
seconds.  Nothing here asserts a time: times depend on the machine and on what else runs on it.
"""
