"""kg export's outputs under faults (issue 12, README "Reliability"): no output over an
input or over another output, the export, report and description written all three or
none whatever fails (a rename, a full disk, a kill in the middle of the commit), every
environment failure one ``path: error:`` line with exit 2, and no working file left."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.output
from kg.cli import app
from kg.errors import InputError
from kg.output import OutputPaths
from kg.pipeline import ExportOptions, export_files
from tests.faults import (KG, PROFILES, is_complete_set, needs_permissions, run_kg, small_profiles, snapshot,
                          tree_bytes, trio, working_files)

runner = CliRunner()


def export(*args: str | Path):
    return runner.invoke(app, ["export", *map(str, args)])


@pytest.fixture
def inputs(tmp_path) -> Path:
    return small_profiles(tmp_path / "in")


# ---------------------------------------------------------------- outputs that are inputs


def _alias(tmp_path: Path, victim: Path, how: str) -> Path:
    if how == "same path":
        return victim
    if how == "another spelling":
        return victim.parent / ".." / victim.parent.name / victim.name
    alias = tmp_path / "alias.ttl"
    (os.symlink if how == "symbolic link" else os.link)(victim, alias)
    return alias


@pytest.mark.parametrize("how", ["same path", "another spelling", "symbolic link", "hard link"])
@pytest.mark.parametrize("option", ["-o", "--report", "--void"])
def test_an_output_on_an_input_is_refused_and_the_input_kept(tmp_path, inputs, option, how):
    victim = sorted(inputs.iterdir())[0]
    before = tree_bytes(inputs)
    path = _alias(tmp_path, victim, how)
    args = {"-o": ["-o", path, "--format", "turtle"], "--report": ["-o", tmp_path / "out.ttl", "--report", path],
            "--void": ["-o", tmp_path / "out.ttl", "--void", path]}[option]
    result = export(inputs, *args, "--no-validate")
    assert result.exit_code == 2, result.output
    assert f"{path}: error: is the input {victim}: writing it would overwrite it" in result.stderr
    assert tree_bytes(inputs) == before
    assert not (tmp_path / "out.ttl").exists() and working_files(tmp_path, inputs) == []


@pytest.mark.parametrize("first, second", [("-o", "--report"), ("-o", "--void"), ("--report", "--void")])
def test_two_outputs_on_one_file_are_refused(tmp_path, inputs, first, second):
    paths = {"-o": tmp_path / "out.ttl", "--report": tmp_path / "r.json", "--void": tmp_path / "v.ttl"}
    paths[second] = paths[first]
    result = export(inputs, *(x for option, path in paths.items() for x in (option, path)), "--no-validate")
    assert result.exit_code == 2
    assert f"{paths[first]}: error: is the {first} file: writing it would overwrite it" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_the_curation_and_config_files_are_not_outputs_either(tmp_path, inputs):
    (tmp_path / "curation.toml").write_text("")
    (tmp_path / "publish.toml").write_text('title = "T"\n')
    for option, path in (("--report", "curation.toml"), ("--void", "publish.toml")):
        result = export(inputs, "-o", tmp_path / "out.ttl", option, tmp_path / path, "--curation",
                        tmp_path / "curation.toml", "--config", tmp_path / "publish.toml", "--no-validate")
        assert result.exit_code == 2
        assert f"error: is the --{path.split('.')[0].replace('publish', 'config')} file" in result.stderr
    assert (tmp_path / "publish.toml").read_text() == 'title = "T"\n'


def test_a_txt_output_in_an_input_folder_is_refused_as_the_next_run_would_read_it(tmp_path, inputs):
    result = export(inputs, "-o", inputs / "graph.txt", "--format", "turtle", "--no-validate")
    assert result.exit_code == 2
    assert "is a *.txt file inside the input folder" in result.stderr
    assert export(inputs, "-o", inputs / "graph.ttl", "--no-validate", "-q").exit_code == 0  # not a profile name


def test_standard_output_redirected_onto_an_input_is_refused(tmp_path, inputs):
    victim = sorted(inputs.iterdir())[0]
    before = victim.read_bytes()
    with victim.open("ab") as appended:
        result = subprocess.run([*KG, "export", str(inputs), "-o", "-", "--no-validate"], stdout=appended,
                                stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 2
    assert f"-o -: error: standard output is the input {victim}" in result.stderr
    assert victim.read_bytes() == before


# ---------------------------------------------------------------- paths that are not what they should be


@pytest.mark.parametrize("option", ["-o", "--report", "--void"])
def test_an_output_that_is_a_folder_is_refused_before_anything_is_replaced(tmp_path, inputs, option):
    out = tmp_path / "out.ttl"
    assert export(inputs, "-o", out, "--no-validate", "-q").exit_code == 0
    old = snapshot(*trio(out))
    (tmp_path / "folder").mkdir()
    target = {"-o": [], "--report": ["--report"], "--void": ["--void"]}[option]
    args = ["-o", tmp_path / "folder", "--format", "turtle"] if option == "-o" else ["-o", out, *target, tmp_path / "folder"]
    result = export(inputs, *args, "--no-validate")
    assert result.exit_code == 2
    assert f"{tmp_path / 'folder'}: error: is a folder" in result.stderr
    assert snapshot(*trio(out)) == old and working_files(tmp_path, tmp_path / "folder") == []


def test_an_output_below_a_file_is_one_error(tmp_path, inputs):
    (tmp_path / "file").write_text("")
    result = export(inputs, "-o", tmp_path / "file" / "out.ttl", "--no-validate")
    assert result.exit_code == 2
    assert f"{tmp_path / 'file' / 'out.ttl'}: error: {tmp_path / 'file'} is not a folder" in result.stderr


def test_a_missing_output_folder_is_made_and_removed_again_if_the_run_fails(tmp_path, inputs):
    assert export(inputs, "-o", tmp_path / "new" / "deep" / "out.ttl", "--no-validate", "-q").exit_code == 0
    assert is_complete_set(tmp_path / "new" / "deep" / "out.ttl")
    (inputs / "bad.txt").write_text("LGJul\n")
    assert export(inputs, "-o", tmp_path / "other" / "deep" / "out.ttl", "--no-validate").exit_code == 2
    assert not (tmp_path / "other").exists()


@needs_permissions
def test_a_read_only_output_folder_is_one_error_and_nothing_changes(tmp_path, inputs):
    out = tmp_path / "ro" / "out.nq"
    out.parent.mkdir()
    assert export(inputs, "-o", out, "--no-validate", "-q").exit_code == 0
    old = snapshot(*trio(out))
    out.parent.chmod(0o555)
    try:
        result = run_kg("export", inputs, "-o", out, "--no-validate", obey_permissions=True, tmpdir=tmp_path)
    finally:
        out.parent.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"{out.parent}: error: cannot write the -o file in this folder: Permission denied\n"
                             "  hint: no permission: choose another place, or change its permissions\n")
    assert snapshot(*trio(out)) == old


def test_an_output_name_that_is_not_utf8_is_written_and_shown_escaped(tmp_path, inputs):
    out = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9.nq"))
    result = run_kg("export", inputs, "-o", out, "--no-validate", tmpdir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"-> {tmp_path}/caf\\xe9.nq" in result.stderr
    assert is_complete_set(out)
    assert json.loads(trio(out)[1].read_text())["files"]["export"]["name"] == "caf\\xe9.nq"


def test_a_symbolic_link_output_is_written_through(tmp_path, inputs):
    (tmp_path / "real").mkdir()
    (tmp_path / "link.ttl").symlink_to(tmp_path / "real" / "out.ttl")
    assert export(inputs, "-o", tmp_path / "link.ttl", "--no-validate", "-q").exit_code == 0
    assert (tmp_path / "link.ttl").is_symlink() and (tmp_path / "real" / "out.ttl").stat().st_size > 0


def test_a_closed_pipe_ends_the_export_quietly(tmp_path):
    script = (f"import subprocess, sys\np = subprocess.Popen({[*KG, 'export', str(PROFILES), '-o', '-', '-f', 'nquads', '--no-validate']!r},"
              " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\np.stdout.read(100)\np.stdout.close()\n"
              "err = p.stderr.read()\nsys.stdout.write(f'{p.wait()} {err!r}')")
    code, err = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                               timeout=120).stdout.split(" ", 1)
    assert (code, err) == ("141", "b''")


# ---------------------------------------------------------------- all three or none


def test_the_report_names_the_size_and_digest_of_its_export_and_description(tmp_path, inputs):
    out = tmp_path / "out.nq"
    assert export(inputs, "-o", out, "--no-validate", "-q").exit_code == 0
    assert is_complete_set(out)
    assert is_complete_set(PROFILES.parent / "export" / "examples.nq"), "the bundled set is one export's"
    out.write_bytes(out.read_bytes() + b"\n")
    assert not is_complete_set(out)


FAULTS = ["digest", "description", "report", "fsync", "link", "rename 1", "rename 2", "rename 3"]


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failure_at_any_step_leaves_every_old_file(tmp_path, inputs, monkeypatch, fault):
    """A Python caller (kg.pipeline.export_files): the same guarantees as the CLI."""
    out = tmp_path / "out.nq"
    paths = OutputPaths(export=out, report=trio(out)[1], description=trio(out)[2])
    options = ExportOptions(validate_shapes=False, format="nquads")
    export_files([PROFILES / sorted(os.listdir(PROFILES))[0]], options, paths)
    old = snapshot(*trio(out))
    _inject(monkeypatch, fault)
    with pytest.raises(InputError) as raised:
        export_files([inputs], options, paths)
    assert "No space left on device" in str(raised.value) and str(raised.value).startswith(str(tmp_path))
    assert snapshot(*trio(out)) == old
    assert working_files(tmp_path) == []


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _inject(monkeypatch, fault: str) -> None:
    """Make one step of the commit fail as a full disk would (that step only)."""
    if fault == "digest":
        monkeypatch.setattr(kg.output._Stage, "digest", _no_space)
    elif fault == "description":
        monkeypatch.setattr(kg.output._Stage, "digest", _failing_call(2, kg.output._Stage.digest))
    elif fault == "report":
        monkeypatch.setattr("kg.pipeline.ExportResult.write_report", _no_space)
    elif fault == "fsync":
        monkeypatch.setattr(kg.output.os, "fsync", _no_space)
    elif fault == "link":
        monkeypatch.setattr(kg.output.os, "link", _no_space)
        monkeypatch.setattr(kg.output.os, "replace", _failing_call(2, os.replace))  # after the fallback's move aside
    else:
        monkeypatch.setattr(kg.output.os, "replace", _failing_call(int(fault[-1]), os.replace))


def _failing_call(number: int, real):
    """``real``, except that its ``number``-th call fails (ENOSPC)."""
    count = [0]

    def replaced(*args, **kwargs):
        count[0] += 1
        if count[0] == number:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    return replaced


def test_when_the_old_files_cannot_be_put_back_the_next_run_does(tmp_path, inputs, monkeypatch):
    out = tmp_path / "out.nq"
    paths = OutputPaths(export=out, report=trio(out)[1], description=trio(out)[2])
    options = ExportOptions(validate_shapes=False, format="nquads")
    export_files([PROFILES / sorted(os.listdir(PROFILES))[0]], options, paths)
    old = snapshot(*trio(out))
    replace = os.replace
    monkeypatch.setattr(kg.output.os, "replace", lambda *a: _no_space() if len(calls := replaced) > 1 else
                        (calls.append(a), replace(*a)))
    replaced: list = []
    with pytest.raises(InputError, match="nor put every old file back; the next export into this folder will"):
        export_files([inputs], options, paths)
    assert [n for n in working_files(tmp_path) if n.endswith(".commit")]
    monkeypatch.undo()
    export_files([inputs], options, OutputPaths(export=tmp_path / "another.nq"))
    assert snapshot(*trio(out)) == old and working_files(tmp_path) == []


COMMIT_KILLER = """
import os, signal, sys
calls, real, kill_at = [0], os.replace, int(sys.argv[1])
def replace(*args, **kwargs):
    calls[0] += 1
    if calls[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
os.replace = replace
sys.argv = ["kg", *sys.argv[2:]]
from kg.__main__ import main
main()
"""


@pytest.mark.parametrize("rename", [1, 2, 3])
def test_a_run_killed_during_its_commit_is_completed_by_the_next_run(tmp_path, inputs, rename):
    out = tmp_path / "out.nq"
    assert export(PROFILES / sorted(os.listdir(PROFILES))[0], "-o", out, "--no-validate", "-q").exit_code == 0
    assert export(inputs, "-o", tmp_path / "new" / "out.nq", "--no-validate", "-q").exit_code == 0
    new = {p.name: p.read_bytes() for p in trio(tmp_path / "new" / "out.nq")}
    killed = subprocess.run([sys.executable, "-c", COMMIT_KILLER, str(rename), "export", str(inputs), "-o", str(out),
                             "--no-validate"], capture_output=True, check=False, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert [n for n in working_files(tmp_path) if n.endswith(".commit")], "the journal is left for the next run"
    assert export(inputs, "-o", tmp_path / "another.nq", "--no-validate", "-q").exit_code == 0
    assert {p.name: p.read_bytes() for p in trio(out)} == new
    assert working_files(tmp_path) == []


def test_a_journal_cut_short_means_nothing_was_renamed(tmp_path, inputs):
    out = tmp_path / "out.nq"
    assert export(inputs, "-o", out, "--no-validate", "-q").exit_code == 0
    old = snapshot(*trio(out))
    (tmp_path / ".out.nq.kg-0123abcd.commit").write_text('{"kg-commit": "forward", "moves": [["')
    (tmp_path / ".out.nq.kg-0123abcd.tmp").write_text("half an export")
    assert export(inputs, "-o", tmp_path / "another.nq", "--no-validate", "-q").exit_code == 0
    assert snapshot(*trio(out)) == old and working_files(tmp_path) == []


def test_a_full_disk_is_one_error_and_leaves_every_old_file(tmp_path, inputs):
    """RLIMIT_FSIZE: a write past the limit fails (EFBIG) as on a full disk, wherever the
    first large file is written (here a batch's text in the spill folder)."""
    out = tmp_path / "out.nq"
    assert export(PROFILES / sorted(os.listdir(PROFILES))[0], "-o", out, "--no-validate", "-q").exit_code == 0
    old = snapshot(*trio(out))
    result = run_kg("export", PROFILES, "-o", out, "--no-validate", max_file_bytes=300_000, tmpdir=tmp_path)
    assert result.returncode == 2, result.stderr
    first, hint = result.stderr.splitlines()
    assert first.startswith(str(tmp_path)) and first.endswith(": error: file too large")
    assert hint.startswith("  hint: ")
    assert snapshot(*trio(out)) == old and working_files(tmp_path) == []


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.mark.skipif(not _can_mount(), reason="mounting a tmpfs needs root")
def test_a_full_tmpfs_is_one_error_and_leaves_every_old_file(tmp_path, inputs):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], check=False).returncode:
        pytest.skip("mount -t tmpfs is not allowed here")
    try:
        out = disk / "out.nq"
        assert export(PROFILES / sorted(os.listdir(PROFILES))[0], "-o", out, "--no-validate", "-q").exit_code == 0
        old = snapshot(*trio(out))
        result = export(PROFILES, "-o", out, "--no-validate")
        assert result.exit_code == 2
        assert result.stderr == f"{out}: error: no space left on device\n  hint: the disk is full: free some " \
                                "space, or write elsewhere\n"
        assert snapshot(*trio(out)) == old and working_files(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_temporary_folder_names_it_and_tmpdir(tmp_path, inputs):
    spill = tmp_path / "spill"
    spill.mkdir()
    if not _can_mount() or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(spill)],
                                          check=False).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        result = run_kg("export", inputs, "-o", tmp_path / "out.nq", "--no-validate", tmpdir=spill)
    finally:
        subprocess.run(["umount", str(spill)], check=True)
    assert result.returncode == 2, result.stderr
    assert "error: no space left on device" in result.stderr
    assert "hint: kg's working files go to the temporary folder: free space there, or set TMPDIR" in result.stderr
    assert not (tmp_path / "out.nq").exists() and working_files(tmp_path) == []
