"""`divtui report --alpha A` (Rényi divergence) and `--samples N [--seed S]` (estimates from a
sample of p): text, JSON, Markdown and CSV, and the refusals."""

from __future__ import annotations

import csv
import io
import math

import pytest
from cli_runner import RUNNERS, Run, run_main
from helpers import model_keys, strict_json, top_keys

from divtui.core.presets import preset
from divtui.core.renyi import renyi_divergence
from divtui.core.sampling import draw


def succeeded(run: Run) -> str:
    assert run.status == 0, run.stderr
    assert run.stderr == ""
    return run.stdout


def refused(args: list[str]) -> str:
    run = run_main(args)
    assert run.status == 2 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("divtui: error: "), run.stderr
    return lines[0].removeprefix("divtui: error: ")


@pytest.mark.parametrize("runner", RUNNERS)
def test_alpha_adds_a_renyi_row_to_the_text_report(runner: str) -> None:
    out = succeeded(RUNNERS[runner](["report", "--preset", "distillation", "--alpha", "2"]))
    scenario = preset("distillation")
    (row,) = [line for line in out.splitlines() if line.startswith("D_2(p‖q)")]
    want = [renyi_divergence(scenario.p, m.q, 2.0) for m in scenario.models]
    assert [float(cell) for cell in row.split()[1:]] == pytest.approx(want, abs=5e-7)


def test_alpha_in_json_is_each_models_renyi_with_the_cause_of_infinity() -> None:
    out = succeeded(
        run_main(["report", "--preset", "support-mismatch", "--alpha", "inf", "--format", "json"])
    )
    report = strict_json(out)
    assert report["renyi_alpha"] == "inf"
    (model,) = report["models"]
    assert model["renyi"] == "inf"
    assert model["renyi_infinite_because"] == "q = 0 where p > 0 (α ≥ 1)"
    # The schema otherwise is the report's own, the new keys last.
    assert [k for k in report if k not in ("renyi_alpha",)] == top_keys(report)
    assert [k for k in model if not k.startswith("renyi")] == model_keys(model)


def test_alpha_below_one_of_a_support_mismatch_is_finite_and_in_the_unit() -> None:
    nats = strict_json(
        succeeded(
            run_main(
                ["report", "--preset", "support-mismatch", "--alpha", "0.5", "--format", "json"]
            )
        )
    )
    bits = strict_json(
        succeeded(
            run_main(
                [
                    "report",
                    "--preset",
                    "support-mismatch",
                    "--alpha",
                    "0.5",
                    "--format",
                    "json",
                    "--unit",
                    "bits",
                ]
            )
        )
    )
    value = nats["models"][0]["renyi"]
    assert isinstance(value, float) and value > 0
    assert bits["models"][0]["renyi"] == pytest.approx(value / math.log(2), rel=1e-12)
    assert "renyi_infinite_because" not in nats["models"][0]


def test_alpha_one_is_kl() -> None:
    report = strict_json(
        succeeded(run_main(["report", "--preset", "weather", "--alpha", "1", "--format", "json"]))
    )
    assert report["models"][0]["renyi"] == report["models"][0]["kl"]


def test_samples_in_text_give_estimates_with_standard_errors_and_the_ranking() -> None:
    out = succeeded(
        run_main(["report", "--preset", "mode-seeking", "--samples", "5000", "--seed", "3"])
    )
    sample = draw(preset("mode-seeking"), 5000, seed=3)
    assert "Estimated from N = 5,000 samples of p (seed 3), in nats:" in out
    for model in sample.models:
        assert model.standard_error is not None
        line = (
            f"{model.estimate:.6f} ± {model.standard_error:.6f}   exact {model.cross_entropy:.6f}"
        )
        assert line in out
    assert "as KL does; the same order at every N from" in out


def test_samples_in_json_match_the_core_and_the_seed_repeats_them() -> None:
    args = [
        "report",
        "--preset",
        "distillation",
        "--samples",
        "2000",
        "--seed",
        "9",
        "--format",
        "json",
    ]
    first, again = (strict_json(succeeded(run_main(args))) for _ in range(2))
    assert first == again
    section = first["samples"]
    sample = draw(preset("distillation"), 2000, seed=9)
    assert section["n"] == 2000 and section["seed"] == 9
    assert sum(section["counts"].values()) == 2000
    for entry, model in zip(section["models"], sample.models, strict=True):
        assert entry["estimate"] == model.estimate
        assert entry["standard_error"] == model.standard_error
        assert entry["cross_entropy"] == model.cross_entropy
    names = [m.name for m in sample.models]
    assert section["ranking_by_kl"] == [names[i] for i in sample.by_kl]
    assert section["agreed_from"] == sample.agreed_from
    other = strict_json(succeeded(run_main([*args[:-4], "--seed", "10", "--format", "json"])))
    assert other["samples"]["models"] != section["models"]


def test_a_drawn_zero_is_infinite_and_named_in_every_format() -> None:
    base = ["report", "--preset", "support-mismatch", "--samples", "1000"]
    text = succeeded(run_main(base))
    assert "(∞ from sample " in text and ": q(sleet) = 0)" in text
    model = strict_json(succeeded(run_main([*base, "--format", "json"])))["samples"]["models"][0]
    assert model["estimate"] == "inf" and model["standard_error"] is None
    assert model["infinite_outcome"] == "sleet" and isinstance(model["infinite_from"], int)
    assert "∞ from sample" in succeeded(run_main([*base, "--format", "markdown"]))


def test_csv_gets_columns_for_renyi_and_the_estimate() -> None:
    out = succeeded(
        run_main(
            [
                "report",
                "--preset",
                "weather",
                "--alpha",
                "0.5",
                "--samples",
                "100",
                "--format",
                "csv",
            ]
        )
    )
    (row,) = list(csv.DictReader(io.StringIO(out)))
    scenario = preset("weather")
    assert float(row["renyi"]) == renyi_divergence(scenario.p, scenario.models[0].q, 0.5)
    assert float(row["sample_estimate"]) == pytest.approx(math.log(4), rel=1e-12)
    assert float(row["sample_error"]) == 0.0  # a uniform q: every −log q(x) is log 4


def test_the_report_without_the_options_is_unchanged() -> None:
    out = succeeded(run_main(["report", "--preset", "weather", "--format", "json"]))
    assert "samples" not in strict_json(out) and "renyi" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--alpha", "-1"], "argument --alpha: -1 is negative; the order must be ≥ 0"),
        (["--alpha", "two"], "argument --alpha: 'two' is not a number ≥ 0 or 'inf'"),
        (["--alpha", "nan"], "argument --alpha: NaN is not an order; give a number ≥ 0 or 'inf'"),
        (["--samples", "0"], "argument --samples: '0' is not a whole number ≥ 1"),
        (["--samples", "1.5"], "argument --samples: '1.5' is not a whole number ≥ 1"),
        (
            ["--samples", "2e7"],
            "--samples: 20,000,000 is more than the 10,000,000 one sample may draw",
        ),
        (["--samples", "10", "--seed", "-3"], "argument --seed: '-3' is not a whole number ≥ 0"),
        (["--seed", "3"], "--seed only applies with --samples"),
        (
            ["--alpha", "2", "--format", "toml"],
            "--alpha: --format toml writes the scenario itself, not measures",
        ),
    ],
)
def test_bad_options_get_one_line_naming_them(args: list[str], message: str) -> None:
    assert refused(["report", "--preset", "weather", *args]) == message


def test_help_names_the_options() -> None:
    out = succeeded(run_main(["report", "--help"]))
    for option in ("--alpha A", "--samples N", "--seed S", "Rényi"):
        assert option in out
