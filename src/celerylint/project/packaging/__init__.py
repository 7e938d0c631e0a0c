"""Packaging: declared dependencies (requirements, pyproject, setup files, lock files) and the import names installed distributions provide."""
