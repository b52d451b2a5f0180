"""myKaarma rules the generic generator cannot know, registered as fixups and breakers."""

from __future__ import annotations

import copy
import re
from typing import Any

from hypothesis import strategies as st

from ._strategies import ExpectedIssue, register_breaker, register_fixup

_NON_BLANK = re.compile(r"[^ \t\n\r\f\v]")


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or _NON_BLANK.search(value) is None


def _advisor_or_user(payload: Any) -> Any:
    """advisorNumber is required (non-blank) when assignedUserUuid is blank, and the reverse."""
    header = payload.get("order", {}).get("header") if isinstance(payload, dict) else None
    if (
        isinstance(header, dict)
        and _blank(header.get("assignedUserUuid"))
        and _blank(header.get("advisorNumber"))
    ):
        payload = copy.deepcopy(payload)
        payload["order"]["header"]["advisorNumber"] = "109162"
    return payload


def _break_advisor_rule(payload: Any) -> st.SearchStrategy[tuple[Any, ExpectedIssue]]:
    """Both advisorNumber and assignedUserUuid blank: one issue, at advisorNumber."""
    blanks = st.sampled_from([None, "", "   ", "\t", "<absent>"])

    def build(advisor: Any, user: Any) -> tuple[Any, ExpectedIssue]:
        broken = copy.deepcopy(payload)
        header = broken["order"]["header"]
        for key, value in (("advisorNumber", advisor), ("assignedUserUuid", user)):
            header.pop(key, None)
            if value != "<absent>":
                header[key] = value
        code = (
            "required" if advisor == "<absent>" else ("pattern" if advisor is not None else "type")
        )
        return broken, ExpectedIssue(
            "/order/header/advisorNumber", code, "advisorNumber or assignedUserUuid"
        )

    return st.builds(build, blanks, blanks)


for _name in ("mykaarma/create-order-request", "mykaarma/update-order-request"):
    register_fixup(_name, _advisor_or_user)
    register_breaker(_name, _break_advisor_rule)
