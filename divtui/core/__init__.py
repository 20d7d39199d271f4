"""The pure core of divtui: measures, distributions, scenarios, files and reports.

Nothing here imports Textual; `tests/core/test_import_hygiene.py` keeps it that way.
"""
