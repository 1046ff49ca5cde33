"""Derivatives worked by the other methods of a first calculus course."""
