"""`divtui report`: from a file, a preset or inline SPECs, in every unit and format."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.stats
from cli_runner import RUNNERS, Run, run_main, run_module
from helpers import MEASURE_KEYS, TERM_KEYS, model_keys, strict_json, top_keys
from scipy.spatial import distance

from divtui.core.presets import preset
from divtui.core.scenario_file import load_scenario, save_scenario

FILE_TEXT = """\
title = "From a file"
unit = "hartleys"
labels = ["rain", "snow", "sleet", "hail"]
p = [14, 37, 3, 46]

[[models]]
name = "uniform"
q = [0.25, 0.25, 0.25, 0.25]

[[models]]
name = "forecast"
q = [0.2, 0.3, 0.1, 0.4]
"""

P_SPEC = "rain=.14 snow=.37 sleet=.03 hail=.46"
Q_SPEC = "forecast: hail=.4 rain=.2 sleet=.1 snow=.3"
P = np.array([0.14, 0.37, 0.03, 0.46])
Q = np.array([0.2, 0.3, 0.1, 0.4])

BASES = {"nats": math.e, "bits": 2.0, "hartleys": 10.0}


def succeeded(run: Run) -> str:
    assert run.status == 0, run.stderr
    assert run.stderr == ""
    return run.stdout


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "weather.toml"
    path.write_text(FILE_TEXT, encoding="utf-8")
    return path


def assert_schema(report: Any) -> None:
    assert list(report) == top_keys(report)
    assert isinstance(report["title"], str) and isinstance(report["entropy_p"], float)
    for model in report["models"]:
        assert list(model) == model_keys(model)
        for key in MEASURE_KEYS:
            assert isinstance(model[key], float) or model[key] == "inf", key
        assert all(isinstance(label, str) for label in model["support_mismatch"])
        assert len(model["terms"]) == len(report["labels"])
        for term, label in zip(model["terms"], report["labels"], strict=True):
            assert list(term) == TERM_KEYS and term["label"] == label


# --- sources ----------------------------------------------------------------------------------


@pytest.mark.parametrize("runner", RUNNERS)
def test_report_of_a_preset(runner: str) -> None:
    text = succeeded(RUNNERS[runner](["report", "--preset", "weather"]))
    assert text.startswith("Weather (nats)\n")
    assert "1.105529" in text and "1.386294" in text and "0.280765" in text
    assert "uniform: H(p,q) = H(p) + KL(p‖q): 1.3863 = 1.1055 + 0.2808" in text


@pytest.mark.parametrize("runner", RUNNERS)
def test_report_of_a_file_uses_its_unit_and_normalises_its_weights(
    runner: str, scenario_file: Path
) -> None:
    report = strict_json(
        succeeded(RUNNERS[runner](["report", str(scenario_file), "--format", "json"]))
    )
    assert report["title"] == "From a file" and report["unit"] == "hartleys"
    assert [m["name"] for m in report["models"]] == ["uniform", "forecast"]
    np.testing.assert_allclose(report["p"], P, rtol=1e-15)
    assert report["entropy_p"] == pytest.approx(scipy.stats.entropy(P, base=10), rel=1e-12, abs=0)


def test_report_of_a_file_notes_the_weights_it_normalised(scenario_file: Path) -> None:
    text = succeeded(run_module(["report", str(scenario_file)]))
    assert text.startswith("From a file (hartleys)\n")
    assert "note: p's weights summed to 100; normalised to probabilities" in text
    assert "uniform's weights" not in text


def test_report_of_inline_specs_reorders_q_to_p() -> None:
    report = strict_json(
        succeeded(run_main(["report", "--p", P_SPEC, "--q", Q_SPEC, "--format", "json"]))
    )
    assert report["labels"] == ["rain", "snow", "sleet", "hail"]
    assert report["models"][0]["name"] == "forecast"
    assert report["models"][0]["q"] == list(Q)


def test_report_of_bare_number_specs_labels_outcomes_1_to_n() -> None:
    report = strict_json(
        succeeded(
            run_main(
                ["report", "--p", "0.5,0.5", "--q", "0.8,0.2", "--q", "1 3", "--format", "json"]
            )
        )
    )
    assert report["labels"] == ["1", "2"]
    assert [m["name"] for m in report["models"]] == ["q1", "q2"]
    assert report["models"][1]["q"] == [0.25, 0.75]


@pytest.mark.parametrize("unit", ["nats", "bits", "hartleys"])
def test_unit_overrides_a_file_and_a_preset(unit: str, scenario_file: Path) -> None:
    for source in ([str(scenario_file)], ["--preset", "coin"]):
        report = strict_json(
            succeeded(run_main(["report", *source, "--unit", unit, "--format", "json"]))
        )
        assert report["unit"] == unit
        assert report["entropy_p"] == pytest.approx(
            scipy.stats.entropy(report["p"], base=BASES[unit]), rel=1e-12, abs=0
        )


@pytest.mark.parametrize("spelling", ["BITS", "bit", "Bit"])
def test_unit_names_are_forgiving(spelling: str) -> None:
    report = strict_json(
        succeeded(run_main(["report", "--preset", "coin", "--unit", spelling, "--format", "json"]))
    )
    assert report["unit"] == "bits" and report["entropy_p"] == pytest.approx(1.0, rel=1e-15, abs=0)


# --- JSON -------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["nats", "bits", "hartleys"])
def test_json_numbers_agree_with_scipy(unit: str) -> None:
    run = run_module(["report", "--p", P_SPEC, "--q", Q_SPEC, "--unit", unit, "--format", "json"])
    report = strict_json(succeeded(run))
    assert_schema(report)
    base = BASES[unit]
    model = report["models"][0]
    js_distance = float(distance.jensenshannon(P, Q, base=base))
    expected = {
        "entropy_q": scipy.stats.entropy(Q, base=base),
        "cross_entropy": scipy.stats.entropy(P, base=base) + scipy.stats.entropy(P, Q, base=base),
        "kl": scipy.stats.entropy(P, Q, base=base),
        "reverse_cross_entropy": scipy.stats.entropy(Q, base=base)
        + scipy.stats.entropy(Q, P, base=base),
        "reverse_kl": scipy.stats.entropy(Q, P, base=base),
        "js_divergence": js_distance**2,
        "js_distance": js_distance,
        "total_variation": float(distance.cityblock(P, Q)) / 2,
        "hellinger": float(distance.euclidean(np.sqrt(P), np.sqrt(Q))) / math.sqrt(2),
        "perplexity": math.exp(scipy.stats.entropy(P) + scipy.stats.entropy(P, Q)),
    }
    assert report["entropy_p"] == pytest.approx(scipy.stats.entropy(P, base=base), rel=1e-12, abs=0)
    for key, want in expected.items():
        assert model[key] == pytest.approx(float(want), rel=1e-12, abs=0), key
    for i, term in enumerate(model["terms"]):
        assert term["p"] == P[i] and term["q"] == Q[i]
        assert term["entropy"] == pytest.approx(-P[i] * math.log(P[i], base), rel=1e-12, abs=0)
        assert term["cross_entropy"] == pytest.approx(
            -P[i] * math.log(Q[i], base), rel=1e-12, abs=0
        )
        assert term["kl"] == pytest.approx(P[i] * math.log(P[i] / Q[i], base), rel=1e-12, abs=0)
    assert model["support_mismatch"] == []


def test_json_writes_infinity_as_the_string_inf() -> None:
    text = succeeded(run_module(["report", "--preset", "support-mismatch", "--format", "json"]))
    assert "Infinity" not in text and "NaN" not in text
    report = strict_json(text)
    assert_schema(report)
    model = report["models"][0]
    assert model["kl"] == model["cross_entropy"] == model["perplexity"] == "inf"
    assert isinstance(model["reverse_kl"], float) and math.isfinite(model["reverse_kl"])
    assert model["support_mismatch"] == ["sleet"]
    assert model["terms"][2]["kl"] == model["terms"][2]["cross_entropy"] == "inf"


# --- CSV, Markdown, text ----------------------------------------------------------------------


def test_csv_has_one_row_per_model_with_every_measure(scenario_file: Path) -> None:
    text = succeeded(run_module(["report", str(scenario_file), "--format", "csv"]))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["model"] for row in rows] == ["uniform", "forecast"]
    assert {"entropy_p", *MEASURE_KEYS, "support_mismatch", "unit"} <= set(rows[0])
    for row, q in zip(rows, ([0.25] * 4, Q), strict=True):
        assert row["unit"] == "hartleys"
        assert float(row["entropy_p"]) == pytest.approx(
            scipy.stats.entropy(P, base=10), rel=1e-12, abs=0
        )
        assert float(row["kl"]) == pytest.approx(
            scipy.stats.entropy(P, q, base=10), rel=1e-12, abs=0
        )
        assert float(row["reverse_kl"]) == pytest.approx(
            scipy.stats.entropy(q, P, base=10), rel=1e-12, abs=0
        )
        assert float(row["perplexity"]) == pytest.approx(
            math.exp(scipy.stats.entropy(P) + scipy.stats.entropy(P, q)), rel=1e-12, abs=0
        )
        for key in MEASURE_KEYS:
            assert math.isfinite(float(row[key])), key


def test_csv_writes_inf_and_names_the_mismatch() -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(
                succeeded(run_main(["report", "--preset", "support-mismatch", "--format", "csv"]))
            )
        )
    )
    assert len(rows) == 1
    assert rows[0]["kl"] == "inf" and float(rows[0]["kl"]) == math.inf
    assert rows[0]["support_mismatch"] == "sleet"


def test_markdown_has_a_measure_table_and_a_table_per_model(scenario_file: Path) -> None:
    text = succeeded(run_main(["report", str(scenario_file), "--format", "markdown"]))
    lines = text.splitlines()
    assert lines[0] == "# From a file"
    assert "| measure | uniform | forecast |" in lines
    assert "## uniform" in lines and "## forecast" in lines
    assert any(line.startswith("| H(p) |") for line in lines)
    assert "note: p's weights summed to 100" in text


def test_text_is_the_default_format_and_shows_infinity() -> None:
    text = succeeded(run_main(["report", "--preset", "support-mismatch"]))
    assert "∞" in text
    assert "no-sleet: KL(p‖q) = ∞ because q(sleet) = 0 while p(sleet) = 0.03" in text
    assert text == succeeded(
        run_main(["report", "--preset", "support-mismatch", "--format", "text"])
    )


def test_the_report_of_a_saved_scenario_matches_its_preset(tmp_path: Path) -> None:
    path = tmp_path / "saved.toml"
    save_scenario(preset("one-hot"), path)
    from_file = succeeded(run_main(["report", str(path), "--format", "json"]))
    from_preset = succeeded(run_main(["report", "--preset", "one-hot", "--format", "json"]))
    assert from_file == from_preset


@pytest.mark.parametrize("name", ["weather", "label-smoothing", "distillation"])
def test_the_toml_format_writes_a_scenario_file_that_opens_again(tmp_path: Path, name: str) -> None:
    text = succeeded(run_main(["report", "--preset", name, "--format", "toml"]))
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path) == preset(name)


# --- model outputs: .npz, .csv, .json, and large scenarios ----------------------------------


@pytest.fixture
def large_npz(tmp_path: Path) -> Path:
    rng = np.random.default_rng(11)
    size = 5000
    path = tmp_path / "vocab.npz"
    np.savez(
        path,
        p=rng.dirichlet(np.ones(size)),
        q_student=rng.dirichlet(np.ones(size)),
        labels=np.array([f"tok{i}" for i in range(size)]),
    )
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_large_npz_lists_the_top_50_terms_and_counts_the_rest(
    runner: str, large_npz: Path
) -> None:
    report = strict_json(succeeded(RUNNERS[runner](["report", str(large_npz), "--format", "json"])))
    (model,) = report["models"]
    assert len(model["terms"]) == 50 and model["terms_omitted"] == 4950
    arrays = np.load(large_npz)
    p, q = arrays["p"], arrays["q_student"]
    expected_kl = scipy.stats.entropy(p, q)
    assert model["kl"] == pytest.approx(expected_kl, rel=1e-12, abs=0)
    magnitudes = [abs(term["kl"]) for term in model["terms"]]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert magnitudes[-1] >= np.sort(np.abs(p * np.log(p / q)))[-50] * (1 - 1e-12)


def test_terms_all_and_a_count(large_npz: Path) -> None:
    every_term = ["report", str(large_npz), "--format", "json", "--terms", "all"]
    every = strict_json(succeeded(run_main(every_term)))
    assert len(every["models"][0]["terms"]) == 5000 and every["models"][0]["terms_omitted"] == 0
    text = succeeded(run_main(["report", str(large_npz), "--terms", "3"]))
    assert "… 4,997 more outcomes not listed" in text


@pytest.mark.parametrize("bad", ["0", "-2", "some", ""])
def test_a_bad_terms_value_is_refused_in_one_line(bad: str) -> None:
    run = run_main(["report", "--preset", "weather", "--terms", bad])
    assert run.status == 2 and run.stdout == ""
    assert "--terms" in run.stderr and "neither 'all' nor a count" in run.stderr


def test_a_csv_table_and_a_json_report_give_the_same_measures(tmp_path: Path) -> None:
    table = tmp_path / "weather.csv"
    table.write_text("label,p,forecast\nrain,.14,.2\nsnow,.37,.3\nsleet,.03,.1\nhail,.46,.4\n")
    from_csv = strict_json(succeeded(run_module(["report", str(table), "--format", "json"])))
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps(from_csv))
    from_json = strict_json(succeeded(run_module(["report", str(saved), "--format", "json"])))
    assert from_json["models"][0]["kl"] == pytest.approx(
        from_csv["models"][0]["kl"], rel=1e-15, abs=0
    )
    assert from_csv["models"][0]["kl"] == pytest.approx(scipy.stats.entropy(P, Q), rel=1e-12, abs=0)


def test_a_broken_csv_is_refused_naming_the_line(tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("label,p,q\na,1,1\nb,one,1\n")
    run = run_module(["report", str(table)])
    assert run.status == 2 and run.stdout == ""
    assert run.stderr == f"divtui: error: {table}: line 3, column 'p': 'one' is not a number\n"
