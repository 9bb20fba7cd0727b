"""The fuzz targets (tests/fuzz), run briefly and deterministically: a fixed-seed run of the
built-in mutator over the seed corpus, and hypothesis (derandomized) on top of it. At length:
``python -m tests.fuzz --calls 1000000`` (see tests/fuzz/__main__.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzz.corpus import seeds  # noqa: E402
from tests.fuzz.mutate import mutate  # noqa: E402
from tests.fuzz.targets import TARGETS  # noqa: E402

CALLS_PER_TARGET = 200


def test_the_seed_corpus_covers_every_kind_of_input() -> None:
    corpus = seeds()
    assert len(corpus) > 1000
    assert any(s.lstrip().startswith(b"[") for s in corpus)
    assert any(b'"parent_id"' in s and b"\n" in s for s in corpus)  # yoagent sessions
    assert any(b'"loops"' in s for s in corpus)  # phi-core sessions


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fixed_seed_mutation_run(name: str) -> None:
    rng = random.Random(f"ci-{name}")
    corpus = seeds()
    for _ in range(CALLS_PER_TARGET):
        data = mutate(rng.choice(corpus), rng, corpus)
        try:
            TARGETS[name](data)
        except Exception as err:
            raise AssertionError(f"{name} on {data[:300]!r}: {type(err).__name__}: {err}") from err


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_hypothesis_mutations(name: str) -> None:
    corpus = seeds()

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.integers(0, len(corpus) - 1), st.randoms(use_true_random=False), st.binary(max_size=64)
    )
    def run(index: int, rng: random.Random, noise: bytes) -> None:
        data = mutate(corpus[index], rng, corpus)
        TARGETS[name](data)
        TARGETS[name](noise + data[: len(data) // 2])

    run()


REGRESSIONS = sorted((Path(__file__).resolve().parent / "fuzz" / "regressions").glob("*.bin"))


@pytest.mark.parametrize("path", REGRESSIONS, ids=lambda p: p.name)
def test_past_findings_stay_fixed(path: Path) -> None:
    """Inputs a long fuzz run once broke (file name: target-hash.bin): each target now gives
    a verdict (ConversationError at most), never another exception."""
    assert REGRESSIONS, "the regression inputs are missing"
    TARGETS[path.name.rsplit("-", 1)[0]](path.read_bytes())
