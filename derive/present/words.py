"""Words every presenter uses in a result's one-line summary."""

from __future__ import annotations


def checked_word(verified: bool) -> str:
    """How a result's own checks came out, in the words the command line uses."""
    return "verified" if verified else "NOT verified"


def shortened(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, so that a repr stays one line
    of reasonable length even for a long formula."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
