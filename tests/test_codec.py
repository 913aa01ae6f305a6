"""The spill codec (kg.codec): generated from the models' fields, so that no field of a
record is lost on the streaming path."""

from __future__ import annotations

import datetime
import pickle

from pydantic import BaseModel

from kg.codec import codec
from kg.models import Agent, Layout, Record, SourceRef


def every_field_set() -> Record:
    """A record whose every field (and every field of its agents and source) differs
    from its default: a field added to the models without a value here fails below."""
    agent = Agent(printed="Smith, Ann B. Jr.", kind="person", name="Ann B. Smith", given_name="Ann B.",
                  family_name="Smith", suffix="Jr.")
    return Record(source=SourceRef(source="lab/a.txt", path="/in/lab/a.txt", line=7), layout=Layout.BIBLIOGRAPHY,
                  title="A “title”\nwith a newline", authors=(agent, agent.model_copy(update={"kind": "organization"})),
                  authors_truncated=True, date=datetime.date(2024, 2, 29), category="LG", code_available=False,
                  organizations=("deepmind", "openai"), abstract="Ünïcode abstract.")


def _differs_from_defaults(model: BaseModel) -> list[str]:
    unset = [name for name, f in type(model).model_fields.items()
             if not f.is_required() and getattr(model, name) == f.default]
    for name in type(model).model_fields:
        value = getattr(model, name)
        for nested in value if isinstance(value, tuple) else (value,):
            if isinstance(nested, BaseModel):
                unset += [f"{name}.{n}" for n in _differs_from_defaults(nested)]
    return unset


def test_a_record_with_every_field_set_survives_the_spill():
    record = every_field_set()
    assert _differs_from_defaults(record) == [], "set every field of the record in every_field_set()"
    encode, decode = codec(Record)
    row = pickle.loads(pickle.dumps(encode(record), protocol=pickle.HIGHEST_PROTOCOL))
    assert decode(row) == record
    assert decode(row).model_dump() == record.model_dump()


def test_a_field_added_to_a_model_is_spilled_with_no_codec_to_change():
    class Extended(Record):
        doi: str | None = None
        editors: tuple[Agent, ...] = ()

    record = Extended(**every_field_set().model_dump(), doi="10.1/x",
                      editors=(Agent(printed="Bo", kind="person", name="Bo"),))
    encode, decode = codec(Extended)
    assert decode(encode(record)) == record


def test_optional_models_and_enums_round_trip():
    class Holder(BaseModel):
        owner: Agent | None = None
        layout: Layout | None = None

    encode, decode = codec(Holder)
    for holder in (Holder(), Holder(owner=Agent(printed="Tony", kind="person", name="Tony"), layout=Layout.LISTING)):
        assert decode(encode(holder)) == holder
