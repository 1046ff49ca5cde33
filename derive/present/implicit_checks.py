"""The presenter of the verdict on an answer for dy/dx on a curve (``ImplicitAnswerCheck``,
from ``derive.checking.implicit_answers``): its layout and JSON are in
``derive.present.implicit``, beside the solution they show."""

from __future__ import annotations

from typing import Optional

from derive.present.implicit import check_document as document
from derive.present.implicit import check_json


def json_data(result, templates: Optional[str] = None) -> dict:
    return check_json(result)


__all__ = ["document", "json_data"]
