"""Engines run the folding stages: the local engine (the default, one process over a SQLite store) and
the Spark engine (:mod:`newsfold.engines.spark`, for corpora beyond one machine).

Both call the same pure functions of :mod:`newsfold.copies`; on the same inputs and options they give
the same copy pairs, groups, canonical members and roles. :mod:`newsfold.engines.event_windows` groups
events by time windows, the way the Spark engine does. :mod:`newsfold.engines.local` runs the local
engine with the Spark engine's output layout; :mod:`newsfold.engines.synthetic` generates corpora with
known copies for tests and ``benchmarks/scale.py``. Importing this package does not import PySpark.
"""
