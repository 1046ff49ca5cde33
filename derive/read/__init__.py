"""Reading what a user types: our own grammar (never eval), and the reading of a request —
its variables, point and definitions."""
