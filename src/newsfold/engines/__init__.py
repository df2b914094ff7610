"""Engines run the folding stages: the local engine (the default, one process over a SQLite store) and
the Spark engine (:mod:`newsfold.engines.spark`, for corpora beyond one machine).

Both call the same pure functions of :mod:`newsfold.copies`; on the same inputs and options they give
the same copy pairs, groups, canonical members and roles. Importing this package does not import
PySpark.
"""
