"""Shared by every test folder: pytest puts this folder on sys.path for it, so the modules
beside it (`helpers`) import as top-level modules from tests/core, tests/cli and tests/app."""
