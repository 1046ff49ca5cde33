"""Matrix calculus by the index method: expressions of vectors and matrices, their shapes,
the rules, and each result checked entry by entry."""
