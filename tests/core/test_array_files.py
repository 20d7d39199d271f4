"""Scenarios from model outputs: .npz, .csv and the report's .json, valid and broken.

Every broken file must be refused with one line that names the file, the array or column, and
the first offending index or line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest

from divtui.core.errors import DivtuiError
from divtui.core.logits import softmax
from divtui.core.report import ReportFormat, render
from divtui.core.scenario import ModelInput, Scenario
from divtui.core.scenario_file import (
    LARGE_SCENARIO,
    load_scenario,
    save_path_for,
    save_scenario,
)
from divtui.core.units import Unit

RNG = np.random.default_rng(20261127)


def mixed_scenario(size: int = 50) -> Scenario:
    """Probabilities, raw weights, logits with a temperature, smoothing and a unit."""
    return Scenario.build(
        [f"token {i}" for i in range(size)],
        RNG.random(size) * 3,
        [
            ("uniform", np.ones(size)),
            ModelInput("student", logits=RNG.normal(size=size) * 4, temperature=2.5),
            ("sharp", RNG.dirichlet(np.full(size, 0.1))),
        ],
        unit=Unit.BITS,
        title="Distillation check",
        label_smoothing=0.05,
    )


def save_npz(directory: Path, name: str = "out.npz", **arrays: object) -> Path:
    path = directory / name
    np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


# --- .npz ------------------------------------------------------------------------------------


def test_npz_round_trip_keeps_everything_exactly(tmp_path: Path) -> None:
    scenario = mixed_scenario()
    save_scenario(scenario, tmp_path / "s.npz")
    assert load_scenario(tmp_path / "s.npz") == scenario


def test_npz_with_only_p_and_q_gets_numbered_labels_and_the_file_name_as_title(
    tmp_path: Path,
) -> None:
    p, q = np.array([1.0, 2.0, 1.0]), np.array([0.2, 0.3, 0.5])
    scenario = load_scenario(save_npz(tmp_path, "next-token.npz", p=p, q=q))
    assert scenario.labels == ("0", "1", "2")
    assert scenario.title == "next-token"
    assert [m.name for m in scenario.models] == ["q"]
    np.testing.assert_allclose(scenario.p, p / p.sum(), rtol=1e-15)
    assert scenario.unit is Unit.NATS


def test_npz_models_keep_the_archive_order_and_logits_use_their_temperature(
    tmp_path: Path,
) -> None:
    z = np.array([2.0, -1.0, 0.5, 0.0])
    path = save_npz(
        tmp_path,
        p=np.array([0.1, 0.2, 0.3, 0.4]),
        q_zeta=np.full(4, 0.25),
        logits_alpha=z,
        temperature_alpha=np.array(3.0),
        labels=np.array(["a", "b", "c", "d"]),
        unit=np.array("bits"),
    )
    scenario = load_scenario(path)
    assert [m.name for m in scenario.models] == ["zeta", "alpha"]
    np.testing.assert_allclose(scenario.models[1].q, softmax(z / 3.0), rtol=1e-14)
    assert scenario.unit is Unit.BITS


def test_a_million_outcome_npz_opens_with_its_values_intact(tmp_path: Path) -> None:
    n = 1_000_000
    p, q = RNG.random(n), RNG.random(n)
    path = save_npz(tmp_path, p=p, q_model=q, labels=np.array([f"w{i}" for i in range(n)]))
    scenario = load_scenario(path)
    assert scenario.size == n
    assert scenario.labels[-1] == f"w{n - 1}"
    np.testing.assert_array_equal(scenario.p_weights, p)
    np.testing.assert_array_equal(scenario.models[0].weights, q)


def one_line_naming(error: pytest.ExceptionInfo[DivtuiError], path: Path, *parts: str) -> None:
    message = str(error.value)
    assert "\n" not in message, message
    assert message.startswith(f"{path}: "), message
    for part in parts:
        assert part in message, (part, message)


BROKEN_NPZ: dict[str, tuple[dict[str, object], tuple[str, ...]]] = {
    "no p": ({"q": np.ones(3)}, ("no array 'p'", "found: q")),
    "no model": ({"p": np.ones(3)}, ("no model",)),
    "unknown array": ({"p": np.ones(3), "q": np.ones(3), "qq": np.ones(3)}, ("'qq'",)),
    "two dimensions": ({"p": np.ones((2, 3)), "q": np.ones(3)}, ("'p'", "shape (2, 3)")),
    "text values": ({"p": np.ones(3), "q": np.array(["a", "b", "c"])}, ("'q'", "numbers")),
    "negative at 7": (
        {"p": np.ones(9), "q_big": np.r_[np.ones(7), -0.5, 1.0]},
        ("array 'q_big'[7]", "negative"),
    ),
    "nan in p at 2": ({"p": np.array([1.0, 1.0, np.nan]), "q": np.ones(3)}, ("'p'[2]", "NaN")),
    "infinite logit at 1": (
        {"p": np.ones(3), "logits_m": np.array([0.0, np.inf, 1.0])},
        ("array 'logits_m'[1]", "finite"),
    ),
    "too short": ({"p": np.ones(4), "q_m": np.ones(3)}, ("'q_m'", "3 values", "4 of 'p'")),
    "labels too short": (
        {"p": np.ones(3), "q": np.ones(3), "labels": np.array(["a", "b"])},
        ("'labels'", "2 labels"),
    ),
    "duplicate label at 2": (
        {"p": np.ones(3), "q": np.ones(3), "labels": np.array(["a", "b", "a"])},
        ("array 'labels'[2]", "duplicate label 'a'", "[0]"),
    ),
    "temperature without logits": (
        {"p": np.ones(3), "q_m": np.ones(3), "temperature_m": np.array(2.0)},
        ("'temperature_m'", "no logits_m"),
    ),
    "bad temperature": (
        {"p": np.ones(3), "logits_m": np.zeros(3), "temperature_m": np.array(-1.0)},
        ("'temperature_m'", "> 0"),
    ),
    "all zero": ({"p": np.zeros(3), "q": np.ones(3)}, ("'p'", "all weights are zero")),
    "bad unit": ({"p": np.ones(3), "q": np.ones(3), "unit": np.array("furlongs")}, ("'unit'",)),
    "pickled labels": (
        {"p": np.ones(2), "q": np.ones(2), "labels": np.array(["a", None], dtype=object)},
        ("'labels'", "Python objects"),
    ),
}


@pytest.mark.parametrize("case", BROKEN_NPZ)
def test_a_broken_npz_is_refused_naming_the_array_and_index(tmp_path: Path, case: str) -> None:
    arrays, parts = BROKEN_NPZ[case]
    path = tmp_path / "broken.npz"
    np.savez(path, allow_pickle=True, **arrays)  # type: ignore[arg-type]
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(caught, path, *parts)


def test_a_file_that_is_not_an_npz_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "text.npz"
    path.write_text("label,p,q\n")
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(caught, path, "not a NumPy .npz archive")


# --- .csv ------------------------------------------------------------------------------------


def write_csv(directory: Path, text: str | bytes, name: str = "table.csv") -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def test_csv_columns_become_p_and_the_models(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "label,p,uniform,forecast\nrain,0.14,1,2\nsnow,0.86,1,3\n")
    scenario = load_scenario(path)
    assert scenario.labels == ("rain", "snow")
    assert [m.name for m in scenario.models] == ["uniform", "forecast"]
    np.testing.assert_allclose(scenario.models[1].q, [0.4, 0.6], rtol=1e-15)
    assert scenario.title == "table"


def test_csv_with_quotes_crlf_and_a_byte_order_mark_reads_the_same(tmp_path: Path) -> None:
    plain = write_csv(tmp_path, "label,p,q\na,1,2\nb,3,4\n", "plain.csv")
    awkward = write_csv(
        tmp_path, b'\xef\xbb\xbflabel,p,q\r\n"a",1,"2"\r\nb,3,4\r\n\r\n', "plain2.csv"
    )
    assert load_scenario(awkward).models == load_scenario(plain).models


def test_csv_round_trip_is_exact_for_probability_models(tmp_path: Path) -> None:
    scenario = Scenario.build(
        ["a, with comma", 'say "hi"', "c"],
        [0.1, 0.30000000000000004, 5e-324],
        [("m1", [1 / 3, 2 / 3, 0.0]), ("m2", [1e300, 1.0, 7.0])],
        title="t",
    )
    save_scenario(scenario, tmp_path / "t.csv")
    assert load_scenario(tmp_path / "t.csv") == scenario


def test_csv_refuses_to_save_what_it_cannot_hold(tmp_path: Path) -> None:
    scenario = mixed_scenario(5)
    with pytest.raises(DivtuiError, match="logits; save as .npz"):
        save_scenario(scenario, tmp_path / "x.csv")
    with pytest.raises(DivtuiError, match="label smoothing"):
        save_scenario(scenario.with_logits_entry(1, False), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


BROKEN_CSV: dict[str, tuple[str, tuple[str, ...]]] = {
    "empty": ("", ("empty",)),
    "wrong header": ("name,p,q\na,1,1\n", ("line 1", "expected label,p,<model>")),
    "no model column": ("label,p\na,1\n", ("line 1",)),
    "no rows": ("label,p,q\n", ("no outcomes",)),
    "word at line 4": ("label,p,q\na,1,1\nb,1,1\nc,1,lots\n", ("line 4", "column 'q'", "'lots'")),
    "negative at line 3": ("label,p,q\na,1,1\nb,-2,1\n", ("line 3", "column 'p'", "negative")),
    "empty cell at line 2": ("label,p,q\na,,1\n", ("line 2", "column 'p'", "empty")),
    "nan at line 2": ("label,p,q\na,nan,1\n", ("line 2", "column 'p'", "not finite")),
    "ragged line 3": ("label,p,q\na,1,1\nb,1\nc,1,1\n", ("line 3", "2 cells", "has 3")),
    "duplicate label line 4": (
        "label,p,q\na,1,1\nb,1,1\na,1,1\n",
        ("line 4", "column 'label'", "duplicate label 'a' (also on line 2)"),
    ),
    "quoted newline before a bad value": (
        'label,p,q\n"two\nlines",1,1\nb,x,1\n',
        ("line 4", "column 'p'", "'x'"),
    ),
    "duplicate model": ("label,p,m,m\na,1,1,1\n", ("duplicate model name 'm'",)),
    "all zero": ("label,p,q\na,0,1\nb,0,1\n", ("column 'p'", "all weights are zero")),
}


@pytest.mark.parametrize("case", BROKEN_CSV)
def test_a_broken_csv_is_refused_naming_the_line_and_column(tmp_path: Path, case: str) -> None:
    text, parts = BROKEN_CSV[case]
    path = write_csv(tmp_path, text)
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(caught, path, *parts)


def test_csv_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, b"label,p,q\n\xff,1,1\n")
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(caught, path, "invalid UTF-8 at byte 10")


# --- .json (the report's schema) -------------------------------------------------------------


def test_a_json_report_opens_again_as_the_same_distributions(tmp_path: Path) -> None:
    scenario = mixed_scenario(30)
    path = tmp_path / "report.json"
    path.write_text(render(scenario, ReportFormat.JSON))
    loaded = load_scenario(path)
    assert loaded.labels == scenario.labels
    assert loaded.unit is scenario.unit and loaded.title == scenario.title
    assert loaded.label_smoothing == scenario.label_smoothing
    np.testing.assert_allclose(loaded.p, scenario.p, rtol=1e-14)
    for mine, theirs in zip(loaded.models, scenario.models, strict=True):
        assert mine.name == theirs.name and mine.is_logits == theirs.is_logits
        np.testing.assert_allclose(mine.q, theirs.q, rtol=1e-13, atol=1e-300)
    for got, expected in zip(loaded.measures, scenario.measures, strict=True):
        assert got.kl == pytest.approx(expected.kl, rel=1e-12, abs=0)


def test_json_save_and_load_is_exact(tmp_path: Path) -> None:
    scenario = mixed_scenario(20)
    save_scenario(scenario, tmp_path / "s.json")
    assert load_scenario(tmp_path / "s.json") == scenario


BROKEN_JSON: dict[str, tuple[str, tuple[str, ...]]] = {
    "not json": ("{labels: 1}", ("invalid JSON", "line 1")),
    "a list": ("[1, 2]", ("expected a JSON object", "list")),
    "bad q at 1": (
        json.dumps({"labels": ["a", "b"], "p": [1, 1], "models": [{"name": "m", "q": [1, -1]}]}),
        ("models[0].q[1]", "negative"),
    ),
    "unknown key": (
        json.dumps({"labels": ["a"], "p": [1], "models": [], "colour": "red"}),
        ("unknown key 'colour'",),
    ),
}


@pytest.mark.parametrize("case", BROKEN_JSON)
def test_a_broken_json_is_refused_naming_the_key(tmp_path: Path, case: str) -> None:
    text, parts = BROKEN_JSON[case]
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(caught, path, *parts)


# --- where a large scenario is saved ---------------------------------------------------------

SUFFIX_CASES: list[tuple[int, str, str]] = [
    (4, "a.toml", "a.toml"),
    (LARGE_SCENARIO, "a.toml", "a.toml"),
    (LARGE_SCENARIO + 1, "a.toml", "a.npz"),
    (LARGE_SCENARIO + 1, "a", "a.npz"),
    (LARGE_SCENARIO + 1, "a.csv", "a.csv"),
    (LARGE_SCENARIO + 1, "a.JSON", "a.JSON"),
]


@pytest.mark.parametrize(("size", "asked", "saved"), SUFFIX_CASES)
def test_a_large_scenario_asked_to_go_to_toml_goes_to_npz(
    size: int, asked: str, saved: str
) -> None:
    scenario = Scenario.build([str(i) for i in range(size)], np.ones(size), [("q", np.ones(size))])
    assert save_path_for(scenario, Path(asked)) == Path(saved)


def test_a_failed_npz_save_leaves_the_old_file_and_no_temporary_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kept.npz"
    path.write_bytes(b"old contents")

    def disk_full(stream: BinaryIO, **arrays: object) -> None:
        stream.write(b"PK half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(DivtuiError, match="could not save .No space left"):
        save_scenario(mixed_scenario(4), path)
    assert path.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.npz"]


def test_a_file_of_another_kind_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "model.py"
    path.write_text("import numpy\n")
    with pytest.raises(DivtuiError) as caught:
        load_scenario(path)
    one_line_naming(caught, path, "invalid TOML", "divtui reads .toml, .npz, .csv, .json files")
