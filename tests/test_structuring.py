"""Direct structuring (issue 20 item 3, speed): the function `dealerbridge.converter` builds
for a model class gives exactly what cattrs' generated function gives (`_cattrs_structure`,
the reference), on every valid vendor fixture and on the test models' corner cases."""

import json
import warnings

import cattrs
import pytest

import dealerbridge as db
from dealerbridge._engine import compiled
from dealerbridge._models import _configure

from . import generated_test_models as tm
from .vendor_support import fixture_files, model_for, vendor_schema_names

REFERENCE = _configure(cattrs.Converter(detailed_validation=False), direct=False)

CASES = [
    (name, path)
    for name in vendor_schema_names()
    for path in fixture_files(name)
    if not path.name.startswith("invalid-")
]


def _same(cls: object, value: object) -> None:
    direct = db.converter.structure(value, cls)
    reference = REFERENCE.structure(value, cls)
    assert direct == reference
    # Types too (== takes 1 == 1.0 and True == 1): the wire forms, written out, are equal.
    assert json.dumps(db.converter.unstructure(direct), sort_keys=True) == json.dumps(
        REFERENCE.unstructure(reference), sort_keys=True
    )
    assert repr(direct) == repr(reference)


@pytest.mark.parametrize(("name", "path"), CASES, ids=lambda v: getattr(v, "name", v))
def test_direct_structuring_equals_cattrs_on_every_valid_fixture(name, path):
    decoded = compiled(name).decode(db.parse_json(path.read_bytes()))
    assert all(i.code == "enum" for i in decoded.issues)  # inbound enums are tolerated
    cls = model_for(name)
    item = getattr(cls, "__dealerbridge_item__", None)  # an array schema: a list of its items
    _same(cls if item is None else list[item], decoded.value)


def test_direct_structuring_equals_cattrs_on_the_corner_cases():
    full = {
        "id": "a",
        "price": "1",
        "count": 2.0,  # an integral float in an integer field becomes an int
        "weight": None,
        "body": {"partNumber": "B"},
        "unknownTop": 5,
    }
    for value in (full, {"id": "a", "price": "1", "count": 1}, {**full, "kind": "small"}):
        _same(tm.Widget, value)
    _same(list[tm.FromCanned | tm.Custom], [{"cannedId": "c"}, {"name": "n"}])
    with pytest.raises(cattrs.errors.ForbiddenExtraKeysError) as direct:
        db.converter.structure({"name": "n", "unknown": 1}, tm.Custom)
    with pytest.raises(cattrs.errors.ForbiddenExtraKeysError) as reference:
        REFERENCE.structure({"name": "n", "unknown": 1}, tm.Custom)
    assert direct.value.extra_fields == reference.value.extra_fields == {"unknown"}
    with pytest.raises(KeyError), warnings.catch_warnings():
        db.converter.structure({"price": "1", "count": 1}, tm.Widget)  # id is required
