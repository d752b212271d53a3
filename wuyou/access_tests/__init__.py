"""The refusal matrix: every page and API operation, requested as every persona (see matrix.py)."""
