"""Write examples/next-token.npz: a next-token-like target over 5,000 tokens and a student
model given by logits at temperature 2, the kind of file `divtui FILE` opens.

Run: python examples/make_next_token.py   (the file in the repository was made this way)
"""

from pathlib import Path

import numpy as np

VOCABULARY = 5_000


def main() -> None:
    rng = np.random.default_rng(2026)
    vocabulary = [f"tok{i:05d}" for i in range(VOCABULARY)]
    ranks = np.arange(1, VOCABULARY + 1)
    target = rng.permutation(1 / ranks**1.1)  # Zipf-like, as word frequencies are
    target /= target.sum()
    z = np.log(target) + rng.normal(scale=0.8, size=VOCABULARY)  # a student close to it
    np.savez(
        Path(__file__).with_name("next-token.npz"),
        p=target,
        logits_student=z,
        temperature_student=np.float64(2.0),
        labels=np.array(vocabulary),
        title=np.array("Next token"),
    )


if __name__ == "__main__":
    main()
