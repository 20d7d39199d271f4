"""divtui: explore entropy, cross-entropy and KL divergence in the terminal."""

__version__ = "0.1.0"
"""The release; hatch reads it from here (no importlib.metadata at start-up: it costs ~35 ms)."""

__all__ = ["__version__"]
