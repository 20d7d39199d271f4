"""`divtui report`: its options, and the report it prints (`divtui.core.report` renders it).

Beside every measure, `--alpha A` adds each model's Rényi divergence D_α(p‖q), and
`--samples N [--seed S]` each model's cross-entropy estimated from N outcomes drawn from p.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from divtui.cli import _count, _scenario_command, _terms, scenario_from_args
from divtui.core.errors import DivtuiError

REPORT_EXAMPLES = """\
examples:
  divtui report --preset weather            every measure of the article's example
  divtui report weather.toml --unit bits    a scenario file, measured in bits
  divtui report --p "rain=.14 snow=.37 sleet=.03 hail=.46" --q "uniform: 1 1 1 1"
  divtui report --p "0.5,0.5" --q "0.8,0.2" --q "0.6,0.4" --format csv
  divtui report --preset support-mismatch --format json
  divtui report --preset weather --format toml > weather.toml   a scenario file to edit
  divtui report logits.npz --terms all      every outcome's terms, even of a million
  divtui report --preset weather --alpha 2  with the Rényi divergence D_2(p‖q)
  divtui report --preset distillation --samples 10000 --seed 7   estimates from a sample
  producer | divtui report - --format csv   a scenario (TOML, JSON, CSV or .npz) on stdin
"""


def _alpha(text: str) -> float:
    from divtui.core.renyi import parse_alpha

    try:
        return parse_alpha(text, "--alpha")
    except DivtuiError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--alpha: ")) from None


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ≥ 0")
    return value


def report_command(argv: Sequence[str]) -> int:
    """Parse `divtui report`'s options and print the report; returns the exit status."""
    from divtui.core.report import ALL_TERMS_UP_TO, TOP_TERMS, ReportFormat, render
    from divtui.core.report_extras import ReportExtras
    from divtui.core.sampling import MAX_SAMPLES, check_samples, draw

    parser = _scenario_command(
        "divtui report",
        "Print every measure of a scenario: entropy, cross-entropy, KL both ways, "
        "Jensen–Shannon, total variation, Hellinger and perplexity, with per-outcome terms; "
        "optionally the Rényi divergence of order α, and estimates from a sample of p.",
        REPORT_EXAMPLES,
        stdin=True,
    )
    parser.add_argument(
        "--format",
        choices=[f.value for f in ReportFormat],
        default=ReportFormat.TEXT.value,
        help="text (default), json, markdown, csv (one row per model), or toml (the scenario "
        "itself, as a file to edit and open again)",
    )
    parser.add_argument(
        "--terms",
        type=_terms,
        metavar="all|N",
        help=f"which per-outcome terms to list: all, or the N largest |KL terms| (default: all "
        f"up to {ALL_TERMS_UP_TO:,} outcomes, the {TOP_TERMS} largest beyond, saying how many "
        "were left out)",
    )
    parser.add_argument(
        "--alpha",
        type=_alpha,
        metavar="A",
        help="add each model's Rényi divergence D_A(p‖q) = log Σ p^A q^(1−A) / (A − 1), "
        "A a number ≥ 0 or inf (1 is KL; JSON key renyi, CSV column renyi)",
    )
    parser.add_argument(
        "--samples",
        type=_count,
        metavar="N",
        help="draw N outcomes from p (at most "
        f"{MAX_SAMPLES:,}) and add each model's estimate −(1/N) Σ log q(x_i) of H(p,q) with "
        "its standard error, and the N from which the sample ranks the models as KL does "
        "(JSON key samples)",
    )
    parser.add_argument(
        "--seed",
        type=_seed,
        metavar="S",
        help="the seed of the sample (a whole number ≥ 0; default 0): the same seed draws the "
        "same sample",
    )
    args = parser.parse_args(argv)
    report_format = ReportFormat(args.format)
    if args.seed is not None and args.samples is None:
        raise DivtuiError("--seed only applies with --samples")
    if report_format is ReportFormat.TOML and (args.alpha is not None or args.samples):
        given = "--alpha" if args.alpha is not None else "--samples"
        raise DivtuiError(f"{given}: --format toml writes the scenario itself, not measures")
    samples = None if args.samples is None else check_samples(args.samples, "--samples")
    scenario = scenario_from_args(args, default_preset=None, stdin=True)
    sample = None if samples is None else draw(scenario, samples, args.seed or 0)
    extras = ReportExtras(alpha=args.alpha, sample=sample)
    sys.stdout.write(render(scenario, report_format, args.terms or "auto", extras))
    return 0
