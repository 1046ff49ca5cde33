"""The command line: `derive`, `derive check`, `derive sheet`, `derive problems`."""

from derive.cli.main import entry_point, main, run

__all__ = ["entry_point", "main", "run"]
