"""Files made to hang, exhaust or crash divtui: each is refused in one line, quickly, before
anything large is allocated.

FIFOs, devices and sockets are refused before they are opened; an .npz's declared shapes are
checked before its data is read; integers too long for Python or for a float are named; CSV
tables are parsed in chunks; a save never leaves its temporary file behind.
"""

from __future__ import annotations

import functools
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy

from divtui.core import csv_files
from divtui.core.errors import DivtuiError
from divtui.core.file_io import remove_stale_temporaries, write_atomic_with
from divtui.core.presets import preset
from divtui.core.scenario_file import load_scenario, save_scenario

GOOD = """\
labels = ["a", "b"]
p = [0.5, 0.5]

[[models]]
name = "m"
q = [0.5, 0.5]
"""


def refused(call: Callable[[], object], deadline: float = 20.0) -> str:
    """The DivtuiError message `call` raises; it must come within `deadline` seconds (a FIFO
    that blocks would otherwise hang the test run, so the call runs in a daemon thread)."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(deadline)
    assert not worker.is_alive(), "the load hung"
    (result,) = outcome
    assert isinstance(result, DivtuiError), repr(result)
    message = str(result)
    assert "\n" not in message, message
    return message


# --- files that are not regular files -----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".toml", ".npz", ".csv", ".json"])
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"x{suffix}"
    os.mkfifo(path)
    message = refused(lambda: load_scenario(path))
    assert message == f"{path}: is a FIFO (named pipe); divtui reads only regular files"


@pytest.mark.parametrize("suffix", [".toml", ".npz", ".csv", ".json"])
def test_a_symlink_to_dev_zero_is_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"zero{suffix}"
    path.symlink_to("/dev/zero")
    message = refused(lambda: load_scenario(path))
    assert message == f"{path}: is a character device; divtui reads only regular files"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        message = refused(lambda: load_scenario(path))
    finally:
        server.close()
    assert message == f"{path}: is a socket; divtui reads only regular files"


def test_a_regular_file_behind_a_symlink_still_loads(tmp_path: Path) -> None:
    (tmp_path / "real.toml").write_text(GOOD)
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    assert load_scenario(tmp_path / "link.toml").labels == ("a", "b")


# --- .npz archives that declare more than they hold ---------------------------------------------


def npy_bytes(shape: tuple[int, ...], dtype: str = "<f8", data: bytes = b"") -> bytes:
    """An .npy member whose header declares `shape` and `dtype`, followed by `data`."""
    buffer = io.BytesIO()
    npy.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False, "shape": shape})
    return npy.magic(1, 0) + buffer.getvalue()[len(npy.magic(1, 0)) :] + data


def archive(path: Path, members: dict[str, bytes], compressed: bool = False) -> Path:
    method = zipfile.ZIP_DEFLATED if compressed else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


def saved_array(values: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, values)
    return buffer.getvalue()


GOOD_MEMBERS = {"p.npy": saved_array(np.ones(3)), "q.npy": saved_array(np.ones(3))}


def test_an_npy_header_declaring_10_12_values_is_refused_before_allocation(
    tmp_path: Path,
) -> None:
    path = archive(tmp_path / "huge.npz", {**GOOD_MEMBERS, "p.npy": npy_bytes((10**12,))})
    message = refused(lambda: load_scenario(path))
    assert message == (
        f"{path}: array 'p': declares 1,000,000,000,000 values; divtui opens at most "
        "10,000,000 outcomes (--max-outcomes raises the limit)"
    )


def test_a_header_declaring_more_than_the_member_holds_is_refused(tmp_path: Path) -> None:
    path = archive(tmp_path / "short.npz", {**GOOD_MEMBERS, "p.npy": npy_bytes((10**12,))})
    message = refused(lambda: load_scenario(path, max_outcomes=10**13))
    assert message.startswith(f"{path}: array 'p': declares 1,000,000,000,000 values of float64")
    assert message.endswith("but holds only 0 bytes")


def test_a_compressed_archive_declaring_10_8_values_allocates_nothing_big(
    tmp_path: Path,
) -> None:
    """The zip bomb: a small file whose member inflates to 800 MB (here only its header is
    real, which is what divtui reads before it refuses)."""
    path = archive(
        tmp_path / "bomb.npz",
        {**GOOD_MEMBERS, "q_big.npy": npy_bytes((10**8,), data=bytes(1 << 20))},
        compressed=True,
    )
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        message = refused(lambda: load_scenario(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "array 'q_big': declares 100,000,000 values" in message
    assert peak < 20 << 20, peak


def test_labels_declaring_gigabytes_of_text_are_refused(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "labels.npz",
        {
            "p.npy": saved_array(np.ones(10**6)),
            "q.npy": saved_array(np.ones(10**6)),
            "labels.npy": npy_bytes((10**6,), "<U100000"),
        },
    )
    message = refused(lambda: load_scenario(path))
    assert message.startswith(f"{path}: array 'labels': 400,000,000,000 bytes of text (<U100000)")


def test_a_member_that_is_not_an_npy_array_is_refused(tmp_path: Path) -> None:
    path = archive(tmp_path / "extra.npz", {**GOOD_MEMBERS, "notes.txt": b"hello"})
    message = refused(lambda: load_scenario(path))
    assert message == (
        f"{path}: member 'notes.txt' is not a .npy array (an .npz holds only the arrays "
        "np.savez writes)"
    )


def test_a_member_named_npy_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = archive(tmp_path / "fake.npz", {**GOOD_MEMBERS, "q.npy": b"not an array at all"})
    message = refused(lambda: load_scenario(path))
    assert message.startswith(f"{path}: array 'q': not a .npy array (")


def test_a_plain_npy_named_npz_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.npz"
    path.write_bytes(saved_array(np.ones(4)))
    message = refused(lambda: load_scenario(path))
    assert message == (
        f"{path}: a single .npy array, not an .npz archive; save p and the models together "
        "with np.savez(path, p=p, q=q)"
    )


def test_more_models_than_a_scenario_holds_are_refused_before_reading(tmp_path: Path) -> None:
    members = {"p.npy": saved_array(np.ones(3))}
    members.update({f"q_m{i}.npy": npy_bytes((10**7,)) for i in range(9)})
    path = archive(tmp_path / "many.npz", members)
    assert refused(lambda: load_scenario(path)) == (f"{path}: 9 models; at most 8 are supported")


def test_an_archive_of_a_million_members_is_refused_from_its_end_record(tmp_path: Path) -> None:
    path = archive(tmp_path / "many.npz", {f"q_{i}.npy": b"" for i in range(70)})
    assert refused(lambda: load_scenario(path)) == (
        f"{path}: holds 70 members; an .npz scenario has at most 64"
    )


def test_a_name_with_a_nul_is_no_such_file() -> None:
    assert refused(lambda: load_scenario("a\0b.toml")) == (
        "'a\\x00b.toml': no such file (the name holds a NUL character)"
    )


def test_max_outcomes_bounds_every_format(tmp_path: Path) -> None:
    scenario = preset("weather")  # 4 outcomes
    for suffix in (".toml", ".npz", ".csv", ".json"):
        path = tmp_path / f"w{suffix}"
        save_scenario(scenario, path)
        assert load_scenario(path, max_outcomes=4).labels == scenario.labels
        message = refused(functools.partial(load_scenario, path, max_outcomes=3))
        assert message.startswith(f"{path}: "), message
        assert "divtui opens at most 3" in message and "--max-outcomes" in message, message


# --- numbers too long ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_10000_digit_integer_is_one_line(tmp_path: Path, suffix: str) -> None:
    digits = "9" * 10_000
    path = tmp_path / f"big{suffix}"
    if suffix == ".json":
        path.write_text(f'{{"labels": ["a", "b"], "p": [{digits}, 1], "models": []}}')
        kind = "JSON"
    else:
        path.write_text(GOOD.replace("p = [0.5, 0.5]", f"p = [{digits}, 1]"))
        kind = "TOML"
    message = refused(lambda: load_scenario(path))
    assert message == f"{path}: invalid {kind}: an integer longer than 4300 digits"


@pytest.mark.parametrize("suffix", [".toml", ".json"])
@pytest.mark.parametrize(
    ("place", "where"),
    [("p", "p[0]"), ("q", "models[0].q[0]"), ("temperature", "models[0].temperature")],
)
def test_an_integer_beyond_the_float_range_is_named(
    tmp_path: Path, suffix: str, place: str, where: str
) -> None:
    big = 10**400
    model: dict[str, object] = {"name": "m", "q": [1, 1]}
    document: dict[str, object] = {"labels": ["a", "b"], "p": [1, 1], "models": [model]}
    if place == "p":
        document["p"] = [big, 1]
    elif place == "q":
        model["q"] = [big, 1]
    else:
        model.pop("q")
        model.update(logits=[1, 0], temperature=big)
    path = tmp_path / f"big{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(document))
    else:
        import tomli_w

        path.write_text(tomli_w.dumps(document))
    message = refused(lambda: load_scenario(path))
    assert message == f"{path}: {where}: an integer of 401 digits is too large for a number"


# --- CSV in chunks ------------------------------------------------------------------------------


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
def test_a_csv_parsed_in_small_chunks_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    label = '"t,{}"' if quoted else "t{}"
    rows = [f"{label.format(i)},{i + 1},{2 * i + 1}" for i in range(500)]
    path = tmp_path / "t.csv"
    path.write_text("label,p,q\r\n" + "\r\n".join(rows) + "\r\n\r\n", newline="")
    whole = load_scenario(path)
    monkeypatch.setattr(csv_files, "_CHUNK_CHARS", 64)
    monkeypatch.setattr(csv_files, "_CHUNK_ROWS", 7)
    chunked = load_scenario(path)
    assert chunked == whole and chunked.size == 500
    assert chunked.labels[499] == ("t,499" if quoted else "t499")
    np.testing.assert_array_equal(chunked.models[0].weights, 2 * np.arange(500) + 1)


@pytest.mark.parametrize("quoted", [False, True], ids=["plain", "quoted"])
@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("x,abc,1", "line 302, column 'p': 'abc' is not a number"),
        ("x,-1,1", "line 302, column 'p': '-1' is negative; weights must be ≥ 0"),
        ("x,1,inf", "line 302, column 'q': 'inf' is not finite"),
        ("x,1", "line 302: 2 cells, but the header has 3"),
        ("t7,1,1", "line 302, column 'label': duplicate label 't7' (also on line 9)"),
    ],
)
def test_a_bad_row_far_into_a_chunked_csv_is_named_by_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted: bool, row: str, fragment: str
) -> None:
    rows = [f"t{i},1,1" for i in range(300)]
    rows.insert(300, row)
    text = "label,p,q\n" + "\n".join(rows) + "\n"
    if quoted:
        text = text.replace("label,", '"label",')
    path = tmp_path / "bad.csv"
    path.write_text(text)
    monkeypatch.setattr(csv_files, "_CHUNK_CHARS", 50)
    monkeypatch.setattr(csv_files, "_CHUNK_ROWS", 11)
    assert refused(lambda: load_scenario(path)) == f"{path}: {fragment}"


def test_a_csv_header_of_a_million_cells_is_refused_before_it_is_split(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("label,p" + ",m" * 10**6 + "\n" + "a,1" + ",1" * 10**6 + "\n")
    assert refused(lambda: load_scenario(path)) == (
        f"{path}: line 1: the header has more than 65 cells; a table holds label, p and at "
        "most 8 models"
    )


def test_a_csv_of_nine_models_is_refused_at_its_header(tmp_path: Path) -> None:
    path = tmp_path / "nine.csv"
    path.write_text("label,p," + ",".join(f"m{i}" for i in range(9)) + "\na,1" + ",x" * 9)
    assert refused(lambda: load_scenario(path)) == (
        f"{path}: line 1: 9 models; at most 8 are supported"
    )


# --- saving: no temporary file survives ----------------------------------------------------------


def temporaries(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


def test_ctrl_c_during_a_save_removes_the_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "s.npz"

    def interrupted(stream: object) -> None:
        assert temporaries(tmp_path)  # it exists while the data is written
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic_with(path, interrupted)
    assert os.listdir(tmp_path) == []


SAVE_THEN_SIGNAL = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    from divtui.core.file_io import write_atomic_with

    def slow(stream):
        stream.write(b"x" * 1000)
        stream.flush()
        print("writing", flush=True)
        time.sleep(60)

    write_atomic_with(Path(sys.argv[1]), slow)
    """
)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_save_removes_the_temporary_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text("old\n")
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_THEN_SIGNAL, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "writing\n"
        assert len(temporaries(tmp_path)) == 1
        child.send_signal(getattr(signal, name))
        status = child.wait(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert status == -getattr(signal, name)  # it still ends as the signal asked
    assert child.stderr is not None and child.stderr.read() == ""
    assert os.listdir(tmp_path) == ["s.toml"] and path.read_text() == "old\n"


def test_the_next_save_removes_temporary_files_a_killed_save_left(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    left = [tmp_path / f".s.toml.{random}.tmp" for random in ("abcd1234", "zz_99xyq")]
    for stale in left:
        stale.write_bytes(b"half a file")
    others = [".s.toml.notmine.tmp", ".other.toml.abcd1234.tmp", "s.toml.abcd1234.tmp"]
    for name in others:
        (tmp_path / name).write_bytes(b"keep")
    save_scenario(preset("coin"), path)
    assert sorted(os.listdir(tmp_path)) == sorted([*others, "s.toml"])
    assert load_scenario(path) == preset("coin")


def test_a_save_in_progress_elsewhere_keeps_its_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    seen: list[list[Path]] = []

    def write(stream: object) -> None:
        seen.append(remove_stale_temporaries(path))  # another save, beside this one
        assert len(temporaries(tmp_path)) == 1

    write_atomic_with(path, write)
    assert seen == [[]] and os.listdir(tmp_path) == ["s.toml"]


def test_a_stale_name_that_is_a_symlink_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / ".s.toml.abcd1234.tmp").symlink_to(victim)
    save_scenario(preset("coin"), tmp_path / "s.toml")
    assert victim.read_text() == "precious"


def test_the_temporary_pattern_is_what_tempfile_makes() -> None:
    with tempfile.TemporaryDirectory() as directory:
        handle, name = tempfile.mkstemp(prefix=".s.toml.", suffix=".tmp", dir=directory)
        os.close(handle)
        assert remove_stale_temporaries(Path(directory) / "s.toml") == [Path(name)]


def test_a_save_puts_the_signal_handlers_back(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    save_scenario(preset("coin"), tmp_path / "s.toml")
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before
