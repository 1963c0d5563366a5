"""Differential tests: the same program must give the same bytes with logging and the target."""
