"""Test configuration: deterministic property tests in CI (CI=true), exploratory ones locally."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
