"""Every field the Shopmonkey order-services page documents is in a schema, where the page puts it.

The list of fields (tests/fixtures/shopmonkey/page-fields.json) is extracted from the page text
by tools/extract_shopmonkey_fields.py, never from our schemas; the first test keeps it in step
with the page copy in docs/vendor/.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

import dealerbridge as db
from dealerbridge._schema_model import (
    AnyValue,
    ArraySchema,
    ContentSchema,
    Node,
    Nullable,
    ObjectSchema,
    Scalar,
    UnionSchema,
)

from .vendor_support import FIXTURES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import extract_shopmonkey_fields as extractor

FIELDS: list[dict[str, Any]] = json.loads(
    (FIXTURES / "shopmonkey" / "page-fields.json").read_text()
)

RESPONSES = {
    "GET": "shopmonkey/get-services-response",
    "PUT": "shopmonkey/update-service-response",
    "POST": "shopmonkey/create-services-response",
    "DELETE": "shopmonkey/delete-service-response",
}
BODIES = {
    "PUT": "shopmonkey/update-service-request",
    "POST": "shopmonkey/create-services-request",
}

# Page types that name a JSON type; "one of: ..." lists enum values.
PAGE_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}

# Where the schema deliberately admits something other than the page's type, with the reason
# (each also written in the schema's description and the CHANGELOG).
TYPE_DECISIONS = {
    # any JSON: typed object but described as an array of objects
    # (notes/decisions-shopmonkey-evidence.md §1.9)
    "/data/order/vehicle/engines": "any",
    "/data/order/vehicle/engineHoursLogs": "any",
    # labels: a JSON column read as a list of labels
    # (notes/decisions-shopmonkey-evidence.md §4 pitfall 5)
    "/data/order/labels": "array",
    "/data/order/customer/labels": "array",
    "/data/order/vehicle/labels": "array",
    # URL parameters travel as strings ("true"/"false")
    "/includeOrder": "string",
}


def schema_for(entry: dict[str, Any]) -> str:
    method = entry["endpoint"].split()[0]
    section = entry["section"]
    if section in ("path", "query"):
        return "shopmonkey/service-query"
    if section == "body":
        return BODIES[method]
    if section in ("4xx", "5xx"):
        return "shopmonkey/error-response"
    return RESPONSES[method]


def _branches(node: Node) -> list[Node]:
    """*node* and every shape a value there may take, in the schema model: the value inside
    `Nullable`, each option of a union, the decoded shape a content string also accepts."""
    out = [node]
    if isinstance(node, Nullable):
        out.extend(_branches(node.schema))
    elif isinstance(node, UnionSchema):
        for option in node.options:
            out.extend(_branches(option.schema))
    elif isinstance(node, ContentSchema) and node.accepts_decoded:
        out.extend(_branches(node.schema))
    return out


def resolve_path(name: str, path: str) -> list[Node]:
    """Every schema-model node the wire path can land on (empty if the schema has no such
    member)."""
    nodes: list[Node] = [db._default_registry().model(name).root]
    for segment in path.strip("/").split("/"):
        found: list[Node] = []
        for node in nodes:
            for branch in _branches(node):
                if segment == "*" and isinstance(branch, ArraySchema):
                    found.append(branch.items)
                elif segment != "*" and isinstance(branch, ObjectSchema):
                    field = branch.field(segment)
                    if field is not None:
                        found.append(field.schema)
        nodes = found
    return nodes


# The JSON type of each kind of model node that stands for one shape.
_SHAPES: dict[type, str] = {
    ArraySchema: "array",
    ObjectSchema: "object",
    ContentSchema: "string",
    AnyValue: "any",
}


def admitted(nodes: list[Node]) -> tuple[set[str], set[Any] | None]:
    """JSON types a value may have at these nodes ('any' if untyped), and enum values (null,
    which the model expresses as `Nullable`, is not among them)."""
    types: set[str] = set()
    enums: set[Any] | None = None
    for node in nodes:
        for leaf in _branches(node):
            if isinstance(leaf, Nullable):
                types.add("null")
            elif isinstance(leaf, Scalar):
                types.update(leaf.types)
                if leaf.enum is not None:
                    enums = (enums or set()) | set(leaf.enum)
            elif type(leaf) in _SHAPES:
                types.add(_SHAPES[type(leaf)])
    if "integer" in types:
        types.add("number-integer")
    return types, enums


def test_the_list_is_extracted_from_the_page_copy():
    assert extractor.main(["--check"]) == 0


def test_the_list_covers_every_part_of_the_page():
    sections = {(f["endpoint"].split()[0], f["section"]) for f in FIELDS}
    for method in ("GET", "PUT", "POST", "DELETE"):
        for section in ("path", "200", "4xx", "5xx", "example-response"):
            assert (method, section) in sections
    assert ("PUT", "body") in sections and ("POST", "body") in sections
    assert len(FIELDS) > 3000


GROUPS = sorted({(f["endpoint"], f["section"]) for f in FIELDS})


@pytest.mark.parametrize(("endpoint", "section"), GROUPS)
def test_every_page_field_is_in_its_schema(endpoint, section):
    problems = [
        problem
        for entry in FIELDS
        if (entry["endpoint"], entry["section"]) == (endpoint, section)
        for problem in field_problems(entry)
    ]
    assert problems == []


def field_problems(entry: dict[str, Any]) -> list[str]:
    name = schema_for(entry)
    where = f"{entry['path']} (page line {entry['line']}, {name})"
    nodes = resolve_path(name, entry["path"])
    if not nodes:
        return [f"{where}: no such member"]
    page_type = entry.get("type")
    if page_type is None:
        return []
    types, enums = admitted(nodes)
    page_type = page_type.removesuffix(" Deprecated")
    expected = TYPE_DECISIONS.get(entry["path"])
    if page_type.startswith("one of: ") and "any" not in page_type:
        values = {v.strip() for v in page_type[len("one of: ") :].split(",")}
        if enums is None:
            return [f"{where}: the page lists values, the schema has no enum"]
        return [f"{where}: enum lacks {sorted(values - enums)}"] if values - enums else []
    if page_type.startswith("one of: "):
        return [] if "any" in types else [f"{where}: the page allows any JSON"]
    wanted = expected or PAGE_TYPES[page_type]
    if wanted in types or "any" in types:
        return []
    return [f"{where}: the page says {page_type}, the schema admits {sorted(types)}"]
