"""The streaming export on a Dask cluster (kg.stream.executors): a LocalCluster of 2
worker processes on 127.0.0.1 writes the same bytes as 1 and 2 local processes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kg.pipeline import ExportOptions, export
from kg.stream import Batches

distributed = pytest.importorskip("distributed")
SEEDS = Path(__file__).parents[1] / "examples" / "profiles"
SMALL = Batches(files=2, works=50, people=100, profiles=3)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address="127.0.0.1:0") as local:
        yield local.scheduler_address


def exported(folder: Path, **options) -> tuple[str, object]:
    out = io.StringIO()
    result = export([folder], ExportOptions(format="nquads", **options), out)
    return out.getvalue(), result


def test_the_seeds_on_a_cluster_are_the_same_bytes(cluster):
    one, result = exported(SEEDS, jobs=1, batches=SMALL)
    assert exported(SEEDS, jobs=2, batches=SMALL)[0] == one
    on_cluster, cluster_result = exported(SEEDS, scheduler=cluster, batches=SMALL)
    assert on_cluster == one
    assert cluster_result.report == result.report and cluster_result.summary == result.summary


def test_a_2k_work_corpus_on_a_cluster_is_the_same_bytes(cluster, tmp_path):
    from benchmarks.generate_corpus import generate_corpus

    generate_corpus(2000, 11, tmp_path / "corpus")
    one, _ = exported(tmp_path / "corpus", jobs=1, validate_shapes=False, batches=SMALL)
    assert exported(tmp_path / "corpus", jobs=2, validate_shapes=False, batches=SMALL)[0] == one
    assert exported(tmp_path / "corpus", scheduler=cluster, validate_shapes=False, batches=SMALL)[0] == one


def test_kg_export_dask_on_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from kg.cli import app

    runner = CliRunner()
    local = runner.invoke(app, ["export", str(SEEDS), "-o", str(tmp_path / "j1" / "x.nq"), "-j", "2", "-q"])
    assert local.exit_code == 0, local.output
    on_dask = runner.invoke(app, ["export", str(SEEDS), "-o", str(tmp_path / "dask" / "x.nq"), "-j", "2", "--dask", "-q"])
    assert on_dask.exit_code == 0, on_dask.output
    for name in ("x.nq", "x.void.ttl"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "j1" / name).read_bytes()
