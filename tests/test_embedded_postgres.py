"""The embedded PostgreSQL of `make run` and `make test` survives many processes starting at once
and a damaged list of attached processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import embedded

ROOT = Path(__file__).resolve().parent.parent
ATTACH = (
    "import sys; from pathlib import Path; from config import embedded; "
    "print(embedded.postgres_settings(Path(sys.argv[1]))['HOST'])"
)


def _attach(base_dir: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", ATTACH, str(base_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out.strip(), err


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    """A checkout of its own, so its server is started fresh and stopped afterwards without
    touching the one the other tests use."""
    path = tmp_path_factory.mktemp("checkout")
    yield path
    embedded.stop(path)


def _pid_list(base_dir: Path) -> list:
    return json.loads((base_dir / "var" / "pgdata" / embedded.PID_LIST).read_text())


def test_processes_starting_at_once_all_get_the_one_server(base_dir, tmp_path):
    # Started from different sessions, processes see different XDG_RUNTIME_DIRs, where pgserver
    # keeps its own lock: only the checkout's lock keeps them from initialising pgdata together.
    runtime_dirs = [tmp_path / "session-a", tmp_path / "session-b"]
    for path in runtime_dirs:
        path.mkdir(mode=0o700)
    processes = [_attach(base_dir, XDG_RUNTIME_DIR=str(runtime_dirs[n % 2])) for n in range(6)]

    results = [_finish(process) for process in processes]

    assert [code for code, _out, _err in results] == [0] * 6, [err for _code, _out, err in results]
    assert len({out for _code, out, _err in results}) == 1
    assert _pid_list(base_dir) == []


@pytest.mark.parametrize("damage", ["", "[4242, 42", "null", '{"pids": []}'])
def test_a_damaged_list_of_attached_processes_is_repaired(base_dir, damage):
    assert _finish(_attach(base_dir))[0] == 0  # the server exists and runs
    (base_dir / "var" / "pgdata" / embedded.PID_LIST).write_text(damage)

    code, host, err = _finish(_attach(base_dir))

    assert code == 0, err
    assert host
    assert _pid_list(base_dir) == []
