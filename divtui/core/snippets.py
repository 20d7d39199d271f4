"""What your framework would return: for one model of a scenario, the calls an ML engineer would
write in numpy, scipy, PyTorch, JAX/optax and Keras, each as a program runnable as printed, with
the value each call prints.

The values are computed here with numpy alone, each by an independent implementation of the
library's documented formula (torch, optax and Keras are never imported; the tests run the
printed numpy and scipy programs and compare). Pure: no Textual, no file access.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from divtui.core.distribution import FloatArray
from divtui.core.scenario import Scenario
from divtui.core.units import Unit

INLINE_UP_TO = 20
"""Up to this many outcomes a snippet writes its data inline; beyond, it loads the saved file."""

KERAS_EPSILON = 1e-7
"""Keras' `KLDivergence` clips both distributions to [1e-7, 1] before the logarithm."""


@dataclass(frozen=True, slots=True)
class Call:
    """One printed expression and the value it prints."""

    code: str
    """The expression, as written inside `print(...)`."""
    value: float
    """What it prints (nan where the library gives nan)."""
    note: str = ""
    """A one-line warning or explanation, written as a comment above the call."""


@dataclass(frozen=True, slots=True)
class Snippet:
    """One library's program: imports, the data, the calls."""

    library: str
    """The library's name as the panel's tab says it."""
    unit: str
    """The unit its values are in (the frameworks always measure in nats)."""
    setup: tuple[str, ...]
    """The lines before the calls: imports, the data, conversions."""
    calls: tuple[Call, ...]
    notes: tuple[str, ...] = ()
    """Comments at the top: what the library does that surprises people."""

    @property
    def code(self) -> str:
        """The program as printed: runs as it is, printing one value a line."""
        lines = [f"# {note}" for note in self.notes]
        lines += self.setup
        for call in self.calls:
            if call.note:
                lines.append(f"# {call.note}")
            lines.append(f"print({call.code})  # {_shown(call.value)} {self.unit}")
        return "\n".join(lines) + "\n"


def _shown(value: float) -> str:
    return "nan" if math.isnan(value) else repr(value)


@dataclass(frozen=True, slots=True)
class DataSource:
    """Where a snippet's data comes from: inline (`path` None) or a saved file's name."""

    path: str | None = None
    """The file as the snippet writes it (.npz or .toml), None to inline the numbers."""


# --- the data block -------------------------------------------------------------------------


def _array(values: FloatArray) -> str:
    return "np.array([" + ", ".join(repr(float(v)) for v in values.tolist()) + "])"


def _data_lines(scenario: Scenario, index: int, source: DataSource) -> list[str]:
    """Lines that define p_target, p (smoothed when ε > 0), q and, for a logits model, z, T."""
    model = scenario.models[index]
    lines = ["import numpy as np"]
    if source.path is None:
        lines.append(f"p_target = {_array(scenario.p_target)}")
        if model.logits is not None:
            lines += [f"z = {_array(model.logits)}", f"T = {model.temperature!r}"]
        else:
            lines.append(f"q = {_array(model.q)}")
    elif source.path.lower().endswith(".npz"):
        lines += [f"data = np.load({source.path!r})", 'p_target = data["p"] / data["p"].sum()']
        if model.logits is not None:
            temperature = f"temperature_{model.name}"
            lines += [
                f"z = data[{'logits_' + model.name!r}]",
                f"T = float(data[{temperature!r}]) if {temperature!r} in data else 1.0",
            ]
        else:
            key = "q_" + model.name
            lines.append(f"q = data[{key!r}] / data[{key!r}].sum()")
    else:
        lines = [
            "import tomllib",
            *lines,
            f"with open({source.path!r}, 'rb') as file:",
            "    scenario = tomllib.load(file)",
            'p_target = np.array(scenario["p"], dtype=float)',
            "p_target /= p_target.sum()",
            f'model = next(m for m in scenario["models"] if m["name"] == {model.name!r})',
        ]
        if model.logits is not None:
            lines += [
                'z = np.array(model["logits"], dtype=float)',
                'T = model.get("temperature", 1.0)',
            ]
        else:
            lines += ['q = np.array(model["q"], dtype=float)', "q /= q.sum()"]
    if model.logits is not None:
        lines += ["s = np.exp((z - z.max()) / T)", "q = s / s.sum()"]
    if scenario.label_smoothing:
        lines += [
            f"eps = {scenario.label_smoothing!r}  # label smoothing: p = (1 − ε)·p + ε/K",
            "p = (1 - eps) * p_target + eps / len(p_target)",
        ]
    else:
        lines.append("p = p_target")
    return lines


def _arrays(scenario: Scenario, index: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """p_target, p and q as the snippets' data block computes them (the values use these)."""
    model = scenario.models[index]
    p_target = np.asarray(scenario.p_target, dtype=np.float64)
    if model.logits is not None:
        z = np.asarray(model.logits, dtype=np.float64)
        s = np.exp((z - z.max()) / model.temperature)
        q = s / s.sum()
    else:
        q = np.asarray(model.q, dtype=np.float64)
    eps = scenario.label_smoothing
    p = (1 - eps) * p_target + eps / len(p_target) if eps else p_target
    return p_target, p, q


# --- independent implementations of each library's documented formula -----------------------


def _xlogy(x: FloatArray, y: FloatArray) -> FloatArray:
    """x·log y with 0·log y = 0 (scipy.special.xlogy, torch.xlogy)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(x == 0, 0.0, x * np.log(y))
    return out


def _rel_entr(p: FloatArray, q: FloatArray) -> FloatArray:
    """scipy.special.rel_entr: p log(p/q) for p > 0, q > 0; 0 for p = 0, q ≥ 0; ∞ otherwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(
            p == 0, 0.0, np.where(q == 0, np.inf, p * np.log(p / np.where(q == 0, 1.0, q)))
        )
    return out


def _log_softmax(x: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore"):
        shifted = x - np.max(x)
        out: FloatArray = shifted - np.log(np.sum(np.exp(shifted)))
    return out


def _products(t: FloatArray, log_q: FloatArray) -> float:
    """Σ t·log q with IEEE products (0·(−∞) = nan), as torch and jax multiply."""
    with np.errstate(invalid="ignore"):
        return float(np.sum(t * log_q))


def torch_cross_entropy(input: FloatArray, target: FloatArray, label_smoothing: float) -> float:
    """F.cross_entropy with class-probability targets, unbatched: −Σ t_c log_softmax(x)_c with
    t = (1 − ε)·target + ε/K (PyTorch's documented label smoothing)."""
    t = (1 - label_smoothing) * target + label_smoothing / len(target)
    return -_products(t, _log_softmax(input))


def torch_kl_div(input: FloatArray, target: FloatArray, reduction: str, batch: int) -> float:
    """F.kl_div(input, target): pointwise xlogy(t, t) − t·input, then summed (`sum`), divided
    by the batch size (`batchmean`) or by the element count (`mean`)."""
    with np.errstate(invalid="ignore"):
        total = float(np.sum(_xlogy(target, target) - target * input))
    if reduction == "sum":
        return total
    return total / (batch if reduction == "batchmean" else target.size)


def optax_softmax_cross_entropy(logits: FloatArray, labels: FloatArray) -> float:
    """optax.softmax_cross_entropy: −Σ labels·log_softmax(logits)."""
    return -_products(labels, _log_softmax(logits))


def optax_kl_divergence(log_predictions: FloatArray, targets: FloatArray) -> float:
    """optax.kl_divergence: Σ targets·(log targets, 0 where targets = 0, − log_predictions)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_t = np.where(targets == 0, 0.0, np.log(np.where(targets == 0, 1.0, targets)))
        return float(np.sum(targets * (log_t - log_predictions)))


def keras_kl_divergence(y_true: FloatArray, y_pred: FloatArray) -> float:
    """keras.losses.KLDivergence: both clipped to [1e-7, 1], then Σ y_true·log(y_true/y_pred)."""
    t = np.clip(y_true, KERAS_EPSILON, 1.0)
    q = np.clip(y_pred, KERAS_EPSILON, 1.0)
    return float(np.sum(t * np.log(t / q)))


def scipy_entropy(pk: FloatArray, qk: FloatArray | None, base: float) -> float:
    """scipy.stats.entropy: both normalised first, then Σ rel_entr (or entr), in `base`."""
    p = pk / pk.sum()
    if qk is None:
        return float(-np.sum(_xlogy(p, p)) / math.log(base))
    return float(np.sum(_rel_entr(p, qk / qk.sum())) / math.log(base))


def scipy_jensenshannon(p: FloatArray, q: FloatArray, base: float) -> float:
    """scipy.spatial.distance.jensenshannon: √(½ Σ rel_entr(p, m) + ½ Σ rel_entr(q, m)) / ln
    base, m = ½(p + q), after normalising p and q (the distance, not the divergence)."""
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2
    js = (np.sum(_rel_entr(p, m)) + np.sum(_rel_entr(q, m))) / 2
    with np.errstate(invalid="ignore"):
        return float(np.sqrt(js / math.log(base)))


# --- the snippets -------------------------------------------------------------------------------


def _unit_suffix(unit: Unit) -> str:
    return "" if unit is Unit.NATS else f" / np.log({unit.base:g})"


def _base_argument(unit: Unit) -> str:
    return "" if unit is Unit.NATS else f", base={unit.base:g}"


def _numpy(p: FloatArray, q: FloatArray, unit: Unit) -> Snippet:
    s, scale = _unit_suffix(unit), math.log(unit.base)
    m = p > 0
    with np.errstate(divide="ignore"):
        h = float(-np.sum(p[m] * np.log(p[m])))
        ce = float(-np.sum(p[m] * np.log(q[m])))
        kl = float(np.sum(p[m] * np.log(p[m] / q[m])))
    if s:
        h, ce, kl = h / scale, ce / scale, kl / scale
    calls = (
        Call(f"float(-np.sum(p[m] * np.log(p[m]))){s}", h, "H(p)"),
        Call(f"float(-np.sum(p[m] * np.log(q[m]))){s}", ce, "H(p,q): −Σ p log q"),
        Call(f"float(np.sum(p[m] * np.log(p[m] / q[m]))){s}", kl, "KL(p‖q): Σ p log(p/q)"),
    )
    return Snippet(
        "numpy",
        unit.value,
        ("m = p > 0  # 0·log 0 = 0: outcomes with p = 0 add nothing",),
        calls,
        ("q = 0 where p > 0 makes H(p,q) and KL infinite (numpy warns: divide by zero)",),
    )


def _scipy(p: FloatArray, q: FloatArray, unit: Unit) -> Snippet:
    b, s = _base_argument(unit), _unit_suffix(unit)
    base = unit.base
    rel = float(np.sum(_rel_entr(p, q))) / math.log(base)
    distance = scipy_jensenshannon(p, q, base)
    calls = (
        Call(f"float(stats.entropy(p{b}))", scipy_entropy(p, None, base), "H(p)"),
        Call(
            f"float(stats.entropy(p, q{b}))",
            scipy_entropy(p, q, base),
            "KL(p‖q): stats.entropy normalises p and q silently (unnormalised weights pass)",
        ),
        Call(f"float(special.rel_entr(p, q).sum()){s}", rel, "KL(p‖q) without normalising"),
        Call(
            f"float(distance.jensenshannon(p, q{b}))",
            distance,
            "the JS *distance* √JS (it can be nan when rounding makes JS slightly negative)",
        ),
        Call(f"float(distance.jensenshannon(p, q{b}) ** 2)", distance**2, "the JS divergence"),
    )
    setup = ("from scipy import special, stats", "from scipy.spatial import distance")
    return Snippet("scipy", unit.value, setup, calls)


def _torch(
    p_target: FloatArray, p: FloatArray, q: FloatArray, scenario: Scenario, index: int
) -> Snippet:
    model = scenario.models[index]
    eps = scenario.label_smoothing
    setup = [
        "import torch",
        "import torch.nn.functional as F",
        "pt, qt = torch.from_numpy(p), torch.from_numpy(q)",
    ]
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    calls: list[Call] = []
    if model.logits is not None:
        setup.append("zt = torch.from_numpy(z / T)")
        smoothing = f", label_smoothing={eps!r}" if eps else ""
        target = "torch.from_numpy(p_target)"
        z = np.asarray(model.logits, dtype=np.float64) / model.temperature
        calls.append(
            Call(
                f"F.cross_entropy(zt, {target}{smoothing}).item()",
                torch_cross_entropy(z, p_target, eps),
                "H(p,q) from the logits z/T" + (": label smoothing is ε/K" if eps else ""),
            )
        )
    calls += [
        Call(
            "F.cross_entropy(qt.log(), pt).item()",
            torch_cross_entropy(log_q, p, 0.0),
            "H(p,q) with a probability target (log q as the logits; nan if q = 0 where p = 0)",
        ),
        Call(
            'F.kl_div(qt.log(), pt, reduction="sum").item()',
            torch_kl_div(log_q, p, "sum", 1),
            "argument order: kl_div(input, target) is KL(target‖input), so q goes first",
        ),
        Call(
            'F.kl_div(qt.log()[None], pt[None], reduction="batchmean").item()',
            torch_kl_div(log_q, p, "batchmean", 1),
            "batchmean divides by the batch size: a batch of one is KL (1-D input: ÷ K)",
        ),
        Call(
            'F.kl_div(qt.log(), pt, reduction="mean").item()',
            torch_kl_div(log_q, p, "mean", 1),
            f"the default 'mean' divides by the {len(p)} elements: KL / K, not KL",
        ),
    ]
    notes = ("log input: F.kl_div wants log-probabilities as its input, q.log(), not q",)
    return Snippet("PyTorch", "nats", tuple(setup), tuple(calls), notes)


def _optax(
    p_target: FloatArray, p: FloatArray, q: FloatArray, scenario: Scenario, index: int
) -> Snippet:
    model = scenario.models[index]
    eps = scenario.label_smoothing
    setup = [
        "import jax",
        'jax.config.update("jax_enable_x64", True)  # float64, as here',
        "import jax.numpy as jnp",
        "import optax",
    ]
    with np.errstate(divide="ignore"):
        log_q = np.log(q)
    calls: list[Call] = []
    if model.logits is not None:
        z = np.asarray(model.logits, dtype=np.float64) / model.temperature
        labels = "optax.smooth_labels(p_target, eps)" if eps else "p_target"
        calls.append(
            Call(
                f"float(optax.softmax_cross_entropy(jnp.asarray(z / T), {labels}))",
                optax_softmax_cross_entropy(z, p),
                "H(p,q) from the logits z/T",
            )
        )
    calls += [
        Call(
            "float(optax.softmax_cross_entropy(jnp.log(q), p))",
            optax_softmax_cross_entropy(log_q, p),
            "H(p,q) with log q as the logits",
        ),
        Call(
            "float(optax.kl_divergence(jnp.log(q), p))",
            optax_kl_divergence(log_q, p),
            "KL(p‖q): kl_divergence(log_predictions, targets), log q first",
        ),
    ]
    return Snippet("JAX/optax", "nats", tuple(setup), tuple(calls))


def _keras(p: FloatArray, q: FloatArray, exact_kl: float) -> Snippet:
    clipped = keras_kl_divergence(p, q)
    note = "Keras clips p and q to [1e-7, 1] and computes in float32 (about 7 digits)"
    if not math.isclose(clipped, exact_kl, rel_tol=1e-6):
        note += f"; clipping changes KL here: {exact_kl!r} unclipped"
    calls = (Call("float(keras.losses.KLDivergence()(p, q))", clipped, "KL(p‖q), clipped"),)
    return Snippet("Keras", "nats", ("import keras",), calls, (note,))


def snippets(scenario: Scenario, index: int, source: DataSource) -> tuple[Snippet, ...]:
    """Every library's program for model `index`, its data from `source`, each with the data
    block first so that it runs on its own."""
    p_target, p, q = _arrays(scenario, index)
    data = tuple(_data_lines(scenario, index, source))
    m = p > 0
    with np.errstate(divide="ignore"):
        exact_kl = float(np.sum(p[m] * np.log(p[m] / q[m])))
    made = (
        _numpy(p, q, scenario.unit),
        _scipy(p, q, scenario.unit),
        _torch(p_target, p, q, scenario, index),
        _optax(p_target, p, q, scenario, index),
        _keras(p, q, exact_kl),
    )
    return tuple(Snippet(s.library, s.unit, (*data, *s.setup), s.calls, s.notes) for s in made)


def data_source(
    scenario: Scenario, path: str | None, unsaved: bool, kiosk: bool
) -> DataSource | str:
    """Where the snippets get their data, or why they cannot have it ("save first").

    Up to `INLINE_UP_TO` outcomes the numbers are inlined. Beyond, the saved .npz or .toml is
    loaded; in kiosk mode only its file name is written, never a host path.
    """
    if scenario.size <= INLINE_UP_TO:
        return DataSource()
    if kiosk:
        return DataSource("scenario.npz")
    if path is None or unsaved:
        return (
            f"{scenario.size:,} outcomes are too many to inline: save first (ctrl+s), and the "
            "snippets will load the saved file"
        )
    if not path.lower().endswith((".npz", ".toml")):
        return "the snippets load .npz or .toml files: save as one of those first"
    return DataSource(path)
