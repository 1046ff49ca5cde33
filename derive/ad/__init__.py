"""Automatic differentiation as worked solutions: forward- and reverse-mode evaluation
traces."""
