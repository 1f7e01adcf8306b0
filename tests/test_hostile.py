"""Hostile files: every one ends loaded or refused, recorded, in bounded time; a refusal writes no row.

The corpus (tests/fixtures/hostile.py, ≥ 120 files) goes through the real load path into one
real warehouse, the way a drop folder or the upload page would send it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.fixtures import hostile
from warehouse import datasets, load, sandbox

pytestmark = pytest.mark.slow
MUST_REFUSE = (hostile.numbers, hostile.dates, hostile.far_cells, hostile.declarations)


def raw_rows(db_file: Path) -> dict[str, int]:
    with duckdb.connect(str(db_file), read_only=True) as con:
        return {name: con.execute(f"select count(*) from raw.{name}").fetchone()[0] for name in datasets.DATASETS}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, list[Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    return {make.__name__: make(folder) for make in hostile.MAKERS}


@dataclass
class Run:
    db_file: Path
    outcomes: dict[Path, tuple[load.LoadResult, float, dict, dict]]  # result, seconds, raw rows before and after

    def recorded(self) -> dict[int, tuple[str, str | None]]:
        with duckdb.connect(str(self.db_file), read_only=True) as con:
            return {i: (s, p) for i, s, p in con.execute("select load_id, status, stored_path from meta.loads").fetchall()}


@pytest.fixture(scope="module")
def run(corpus, tmp_path_factory) -> Run:
    """Each file loaded in turn into one warehouse."""
    db_file = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    load.load_path(load.REFERENCE_COMMUNES, "communes", db_file=db_file, loaded_by="test")
    outcomes = {}
    for path in [p for files in corpus.values() for p in files]:
        before = raw_rows(db_file)
        t0 = time.perf_counter()
        result = load.load_path(path, db_file=db_file, loaded_by="fuzz")
        outcomes[path] = (result, time.perf_counter() - t0, before, raw_rows(db_file))
    return Run(db_file, outcomes)


def test_the_corpus_is_large_and_varied(corpus):
    assert sum(len(files) for files in corpus.values()) >= 120
    assert all(len(files) >= 4 for files in corpus.values())


def test_every_file_ends_loaded_or_refused_and_recorded(run):
    recorded = run.recorded()
    for path, (result, seconds, _, _) in run.outcomes.items():
        assert result.status in (load.LOADED, load.REJECTED, load.DUPLICATE), path.name
        assert recorded[result.load_id][0] == result.status, path.name
        assert seconds < sandbox.time_limit_s(), path.name
        for finding in result.errors:
            assert finding.message and "Traceback" not in finding.message, (path.name, finding.message)


def test_a_refusal_writes_no_row_and_keeps_the_original_in_quarantine(run):
    refused = [(path, r) for path, (r, _, _, _) in run.outcomes.items() if r.status == load.REJECTED]
    assert len(refused) >= 80
    recorded = run.recorded()
    for path, result in refused:
        _, _, before, after = run.outcomes[path]
        assert before == after, path.name
        stored = Path(recorded[result.load_id][1])
        assert stored.parent.name == "quarantine" and stored.read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("maker", MUST_REFUSE, ids=lambda m: m.__name__)
def test_impossible_files_are_refused_with_a_reason(corpus, run, maker):
    for path in corpus[maker.__name__]:
        result = run.outcomes[path][0]
        assert result.status == load.REJECTED, (path.name, result.findings)
        assert result.errors[0].message


def test_the_files_that_must_load_do(corpus, run):
    for path in corpus["good"]:
        result = run.outcomes[path][0]
        assert result.status in (load.LOADED, load.DUPLICATE), (path.name, [f.describe() for f in result.errors])
