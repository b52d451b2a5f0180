import json
import warnings

import attrs
import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dealerbridge as db
from dealerbridge import mykaarma as mk
from dealerbridge.testing import invalid_payloads, payloads

from . import generated_test_models as tm
from .strictjson import tagged

FULL = {
    "id": "w1",
    "price": "12.5",
    "count": 3,
    "weight": None,
    "kind": "small",
    "madeOn": "2025-02-28",
    "isActive": False,
    "originalAssociateUUID": "x",
    "part": None,
    "parts": [{"partNumber": "A-1", "cents": 100, "vendorAdded": [1]}],
    "tags": {"a": "b"},
    "meta": {"q": [1, 2.5]},
    "body": json.dumps({"partNumber": "B"}),
    "unknownTop": 5,
}


def test_load_gives_typed_objects_with_snake_case_names():
    widget = db.load(tm.Widget, FULL)
    assert widget.original_associate_uuid == "x"
    assert widget.parts[0].part_number == "A-1" and widget.parts[0].extras == {"vendorAdded": [1]}
    assert widget.body.part_number == "B"
    assert widget.extras == {"unknownTop": 5}


def test_wire_state_is_kept_off_the_model():
    as_string = db.load(tm.Widget, FULL)
    as_object = db.load(tm.Widget, {**FULL, "body": {"partNumber": "B"}})
    # Same values, different wire form: equal, same repr, no extra attributes.
    assert as_string == as_object
    assert repr(as_string) == repr(as_object)
    assert [f.name for f in attrs.fields(tm.Widget)][-2:] == ["body", "extras"]
    assert db.dump(as_string)["body"] == FULL["body"]
    assert db.dump(as_object)["body"] == {"partNumber": "B"}


def test_content_string_is_written_back_exactly_unless_changed():
    spaced = '{ "partNumber" : "B" }'
    widget = db.load(tm.Widget, {**FULL, "body": spaced})
    assert db.dump(widget)["body"] == spaced
    widget.body.part_number = "C"
    assert json.loads(db.dump(widget)["body"]) == {"partNumber": "C"}
    # A value of another JSON type is a change even where Python calls it equal.
    widget = db.load(tm.Widget, {**FULL, "body": '{"partNumber": "B", "cents": 1}'})
    widget.body.cents = True
    assert tagged(json.loads(db.dump(widget, validate=False)["body"])["cents"]) == ("lit", True)


def test_dump_of_a_changed_invalid_content_member_reports_the_written_form():
    widget = db.load(tm.Widget, {**FULL, "body": '{"partNumber": "B"}'})
    widget.body.part_number = 7  # type: ignore[assignment]
    with pytest.raises(db.ValidationError) as info:
        db.dump(widget)
    written = db.dump(widget, validate=False)
    assert written["body"] == '{"partNumber":7}'
    assert list(info.value.issues) == db.errors(written, "test/widget")
    assert [(i.path, i.code) for i in info.value.issues] == [("/body/partNumber", "type")]


def test_repr_shows_only_set_members():
    widget = db.load(tm.Widget, {"id": "a", "price": "1", "count": 1, "weight": None})
    assert repr(widget) == "Widget(id='a', price='1', count=1, weight=None)"


def test_model_metadata_uses_prefixed_names():
    assert tm.Widget.__dealerbridge_schema__.name == "test/widget"
    assert tm.Widget.__dealerbridge_open__ and not tm.Custom.__dealerbridge_open__
    assert tm.FromCanned.__dealerbridge_discriminator__ == "cannedId"
    for cls in (tm.Widget, tm.Custom, tm.OrderFormRequest):
        assert not {"__schema__", "__open__", "__item__", "__discriminator__"} & set(vars(cls))


def test_absent_and_null_differ():
    widget = db.load(tm.Widget, {"id": "a", "price": "1", "count": 1, "weight": None})
    assert widget.weight is None and widget.kind is db.UNSET
    assert db.dump(widget) == {"id": "a", "price": "1", "count": 1, "weight": None}


def test_round_trip_is_exact_including_unknown_members():
    assert tagged(db.dump(db.load(tm.Widget, FULL))) == tagged(FULL)
    raw = json.dumps(FULL).encode()
    assert tagged(db.dump(db.load(tm.Widget, raw))) == tagged(FULL)


def test_integral_float_in_integer_field_comes_back_as_int():
    dumped = db.dump(db.load(tm.Widget, {"id": "a", "price": "1", "count": 3.0}))
    assert tagged(dumped["count"]) == ("int", 3)


def test_content_given_as_object_stays_an_object():
    payload = {**FULL, "body": {"partNumber": "B"}}
    widget = db.load(tm.Widget, payload)
    assert db.dump(widget)["body"] == {"partNumber": "B"}


def test_bad_content_string_is_a_validation_error_at_its_path():
    with pytest.raises(db.ValidationError) as info:
        db.load(tm.Widget, {**FULL, "body": '{"partNumber": 7}'})
    assert [(i.path, i.code) for i in info.value.issues] == [("/body/partNumber", "type")]


def test_unknown_enum_inbound_is_a_warning_unless_strict():
    payload = {"id": "a", "price": "1", "count": 1, "kind": "medium"}
    with pytest.warns(db.UnknownEnumValueWarning, match="/kind"):
        widget = db.load(tm.Widget, payload)
    assert widget.kind == "medium"
    with pytest.raises(db.ValidationError):
        db.load(tm.Widget, payload, strict=True)
    with pytest.raises(db.ValidationError):
        db.validate(payload, "test/widget")


def test_requests_are_strict_about_enums():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(db.ValidationError):
            db.load(tm.OrderFormRequest, [{"name": "n", "status": "Z"}])


def test_array_schema_loads_a_list_of_the_right_shapes():
    items = db.load(tm.OrderFormRequest, [{"cannedId": "c"}, {"name": "n"}])
    assert isinstance(items[0], tm.FromCanned) and isinstance(items[1], tm.Custom)
    assert db.dump(items) == [{"cannedId": "c"}, {"name": "n"}]


def test_dump_checks_hand_built_objects():
    with pytest.raises(db.ValidationError) as info:
        db.dump(tm.Widget(id="a", price="12.505", count=1))
    assert info.value.issues[0].path == "/price"
    assert db.dump(tm.Custom(name="n")) == {"name": "n"}


DECODED = {**FULL, "body": {"partNumber": "B"}}


def test_the_converter_is_a_cattrs_converter_structuring_like_load():
    assert isinstance(db.converter, cattrs.Converter)
    widget = db.converter.structure(DECODED, tm.Widget)
    assert widget == db.load(tm.Widget, DECODED)
    assert widget.original_associate_uuid == "x" and widget.extras == {"unknownTop": 5}
    assert widget.kind == "small" and widget.weight is None and widget.part is None
    assert db.converter.unstructure(widget) == DECODED


def test_the_converter_keeps_absent_and_null_apart():
    widget = db.converter.structure(
        {"id": "a", "price": "1", "count": 1, "weight": None}, tm.Widget
    )
    assert widget.weight is None and widget.kind is db.UNSET
    assert db.converter.unstructure(widget) == {"id": "a", "price": "1", "count": 1, "weight": None}


def test_the_converter_forbids_unknown_members_of_closed_classes_only():
    with pytest.raises(cattrs.errors.ForbiddenExtraKeysError):
        db.converter.structure({"name": "n", "unknown": 1}, tm.Custom)
    assert db.converter.structure({**DECODED, "other": 1}, tm.Widget).extras == {
        "unknownTop": 5,
        "other": 1,
    }


def test_the_converter_selects_union_members_by_their_discriminator():
    items = db.converter.structure(
        [{"cannedId": "c"}, {"name": "n"}], list[tm.FromCanned | tm.Custom]
    )
    assert [type(i) for i in items] == [tm.FromCanned, tm.Custom]


def test_a_copy_of_the_converter_takes_hooks_without_changing_dealerbridge():
    mine = db.converter.copy()
    mine.register_structure_hook(tm.Custom, lambda value, _: "mine")
    assert mine.structure([{"name": "n"}], list[tm.FromCanned | tm.Custom]) == ["mine"]
    assert db.load(tm.OrderFormRequest, [{"name": "n"}]) == [tm.Custom(name="n")]


@given(payloads("test/widget"))
def test_generated_payloads_round_trip(payload):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = db.load(tm.Widget, payload)
    dumped = db.dump(loaded)
    expected = json.loads(json.dumps(payload))
    if isinstance(expected["count"], float):
        expected["count"] = int(expected["count"])
    if isinstance(payload.get("body"), str):
        assert json.loads(dumped.pop("body")) == json.loads(expected.pop("body"))
    assert tagged(dumped) == tagged(expected)


@given(invalid_payloads("test/widget"))
def test_each_broken_rule_gives_exactly_its_issue(pair):
    payload, expected = pair
    assert [(i.path, i.code) for i in db.errors(payload, "test/widget")] == [
        (expected.path, expected.code)
    ]


@given(invalid_payloads("test/order-form-request"))
def test_each_broken_request_rule_gives_exactly_its_issue(pair):
    payload, expected = pair
    assert [(i.path, i.code) for i in db.errors(payload, "test/order-form-request")] == [
        (expected.path, expected.code)
    ]


# --------------------------------------------------------------------------- one verdict


def _assert_one_verdict(cls, schema, payload):
    """`load` succeeds exactly when `validate` does and raises the same issues (strict);
    non-strict, inbound, it tolerates exactly the enum issues."""
    found = db.errors(payload, schema)
    try:
        db.load(cls, payload, strict=True)
    except db.ValidationError as exc:
        assert found and list(exc.issues) == found
    else:
        assert found == []
    tolerated = [i for i in found if i.code != "enum"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", db.UnknownEnumValueWarning)
        try:
            db.load(cls, payload)
        except db.ValidationError as exc:
            assert tolerated and list(exc.issues) == tolerated
        else:
            assert tolerated == []


_CONTENT_BREAKS = st.sampled_from(
    [
        lambda body: json.dumps(json.dumps(body)),  # stringified twice
        lambda body: "{not json",
        lambda body: json.dumps({**body, "partNumber": 7}),
        lambda body: json.dumps([body]),
        lambda body: json.dumps(body),
        lambda body: body,
    ]
)


@st.composite
def _widget_wire_forms(draw):
    payload = draw(payloads("test/widget"))
    if draw(st.booleans()):
        payload, _ = draw(invalid_payloads("test/widget"))
    if isinstance(payload, dict) and draw(st.booleans()):
        payload = {**payload, "body": draw(_CONTENT_BREAKS)({"partNumber": "B"})}
    if isinstance(payload, dict) and draw(st.booleans()):
        payload = {k: v for k, v in payload.items() if k != "id"}
    return payload


@given(_widget_wire_forms())
def test_load_and_validate_give_one_verdict(payload):
    _assert_one_verdict(tm.Widget, "test/widget", payload)


@settings(max_examples=30)
@given(
    st.one_of(
        payloads("mykaarma/order-event"),
        invalid_payloads("mykaarma/order-event").map(lambda pair: pair[0]),
    )
)
def test_order_events_get_one_verdict_from_load_and_validate(payload):
    _assert_one_verdict(mk.OrderEvent, "mykaarma/order-event", payload)


def test_json_valued_fields_keep_integral_floats():
    """A member typed as any JSON keeps 1.0 as a float (only integer fields normalise)."""
    import dealerbridge as db
    from dealerbridge import shopmonkey as sm

    raw = {
        "apiVersion": "v3",
        "operation": "INSERT",
        "table": "appointment",
        "data": {"id": "a1", "x": 1.0, "n": [2.0]},
    }
    event = db.load(sm.WebhookEvent, raw)
    assert type(event.data["x"]) is float
    dumped = db.dump(event)
    assert isinstance(dumped, dict) and dumped["data"] == raw["data"]
    assert type(dumped["data"]["x"]) is float  # type: ignore[index]


def test_models_compare_by_value_member_by_member_and_are_unhashable():
    # Model.__eq__ (the generated classes say eq=False: one shared method, cheaper import)
    a = tm.Widget(id="a", price="1", count=1)
    assert a == tm.Widget(id="a", price="1", count=1)
    assert a != tm.Widget(id="a", price="1", count=2)
    assert a != tm.Widget(id="a", price="1", count=1, weight=None)  # UNSET is not null
    assert a != tm.Widget(id="a", price="1", count=1, extras={"x": 1})
    assert tm.Custom(name="n") != tm.FromCanned(canned_id="n") and a != "a"
    with pytest.raises(TypeError):
        hash(a)
