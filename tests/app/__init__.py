"""App tests: Pilot behaviour, sizes, colour systems and SVG snapshots of the screens."""
