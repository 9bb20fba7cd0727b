"""Fuzzing targets for the codec, the session readers, convert and both command-line tools.

``python -m tests.fuzz --calls 1000000`` runs them at length (see ``__main__``); the pytest
module ``tests/test_fuzz.py`` runs them briefly and deterministically in CI.
"""
