"""Problem sheets: the banks of problem templates, and randomized sheets made from them with
worked, checked solutions."""
