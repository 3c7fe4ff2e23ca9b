"""Everruns' own SDK (everruns-sdk), unmodified, holding conversations through the everruns dialect: send a message,
stream the events with the SDK's SSE client (and its own reconnect after a cut connection), read messages and events
back with every filter the release has, cancel mid-turn, and the errors as the SDK's own types.

Runs with 0.3.1 (gateway.dialects.everruns.version = "0.2") and 0.1.2 (the seed's shape), as test_everruns_sdk.py.
Agents: `helper` answers with `echo`, `scripted` with compat/responder.yaml. Differences between the SDK and the
documents: specs/everruns/SOURCES.md, "The SDK and the conversation documents"."""

from __future__ import annotations

import asyncio
import inspect
import re

import pytest
from everruns_sdk.errors import ApiError, NotFoundError

from conftest import EVERRUNS_SDK
from served import requires
from test_everruns_sdk import base, create, error_envelope, run

pytestmark = pytest.mark.everruns

SLOW_REPLY = "This answer comes slowly, a few characters at a time, so that it can be cut and resumed."
EVENT_ID = re.compile(r"event_[0-9a-f]{32}")
# what one echo turn writes (specs/everruns/SOURCES.md, the id table)
TURN_TYPES = {"input.message", "turn.started", "session.activated", "output.message.delta",
              "output.message.completed", "turn.completed", "session.idled"}
# written by the vendor before the first delta; the SDK does not need it (SOURCES.md)
OPTIONAL_TYPES = {"session.started", "output.message.started"}


def has_param(method, name: str) -> bool:
    return name in inspect.signature(method).parameters


async def wait_idle(ev, session_id, timeout=20.0):
    """Polls the session until its turn is over (status `idle`)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        s = await ev.sessions.get(session_id)
        if s.status == "idle" or asyncio.get_running_loop().time() > deadline:
            return s
        await asyncio.sleep(0.1)


async def collect(stream, until=lambda e: e.type == "session.idled", timeout=20.0) -> list:
    """Reads the SDK's EventStream until an event satisfies `until`, then stops it (the SDK never ends a stream)."""
    got = []
    events = stream.__aiter__()  # the SDK's async generator: closed below, which closes its connection

    async def read():
        async for event in events:
            got.append(event)
            if until(event):
                break
    try:
        await asyncio.wait_for(read(), timeout)
    finally:
        stream.stop()
        await events.aclose()
        if hasattr(stream, "aclose"):  # 0.3: the HTTP client it keeps across reconnections
            await stream.aclose()
    return got


def assert_events(events, session_id):
    assert all(EVENT_ID.fullmatch(e.id) and e.session_id == session_id for e in events)
    assert len({e.id for e in events}) == len(events), "an event repeats"
    if events and hasattr(events[0], "sequence"):
        seqs = [e.sequence for e in events]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def assert_turn_order(types):
    """The user's message first, the output inside the turn, the session idle last."""
    first = types.index
    last = lambda t: len(types) - 1 - types[::-1].index(t)  # noqa: E731
    assert first("input.message") < first("turn.started") < first("output.message.delta") <= last(
        "output.message.delta") < first("output.message.completed") < first("turn.completed"), types
    if "output.message.started" in types:
        assert first("turn.started") < first("output.message.started") < first("output.message.delta"), types
    assert first("session.activated") < first("session.idled") == len(types) - 1, types


async def converse(ev, agent_id, text="hello there"):
    s = await create(ev, agent_id)
    message = await ev.messages.create(s.id, text)
    await wait_idle(ev, s.id)
    return s, message


# -- send, history -------------------------------------------------------------------------------------------------

@requires("everruns", "createMessage", "listMessages")
def test_send_a_message_and_read_the_conversation(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s, message = await converse(ev, world.agent_everruns_id)
        assert re.fullmatch(r"message_[0-9a-f]{32}", message.id)
        assert message.role == "user" and [(p.type, p.text) for p in message.content] == [("text", "hello there")]
        if hasattr(message, "session_id"):  # 0.1.2 reads the listed shape on create too
            assert message.session_id == s.id and isinstance(message.sequence, int)
        assert (await ev.sessions.get(s.id)).status == "idle"
        listed = await ev.messages.list(s.id)
        assert [(m.role, [p.text for p in m.content]) for m in listed] == [
            ("user", ["hello there"]), ("agent", ["hello there"])]
        assert listed[0].id == message.id and listed[0].created_at == message.created_at
        assert listed[0] == message
        if hasattr(listed[0], "sequence"):
            assert listed[0].sequence < listed[1].sequence
    run(body)


@requires("everruns", "createMessage", "listMessages")
def test_a_tool_call_and_its_result_are_messages(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s, _ = await converse(ev, world.scripted_everruns_id, "what is the weather?")
        listed = await ev.messages.list(s.id)
        parts = [(m.role, p.type) for m in listed for p in m.content]
        assert ("agent", "tool_call") in parts and ("tool_result", "tool_result") in parts
        call = next(p for m in listed for p in m.content if p.type == "tool_call")
        result = next(p for m in listed for p in m.content if p.type == "tool_result")
        assert (call.name, call.arguments, result.tool_call_id, result.result) == (
            "get_weather", {"city": "Paris"}, call.id, "sunny")
        assert [p.text for p in listed[-1].content] == ["It is sunny in Paris."]
    run(body)


# -- events --------------------------------------------------------------------------------------------------------

@requires("everruns", "createMessage", "listEvents")
def test_events_of_a_turn(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s, message = await converse(ev, world.agent_everruns_id)
        events = await ev.events.list(s.id)
        assert_events(events, s.id)
        types = [e.type for e in events]
        assert set(types) - OPTIONAL_TYPES == TURN_TYPES, types
        assert_turn_order(types)
        turn = [e for e in events if e.type == "turn.started"][0].context.turn_id
        assert re.fullmatch(r"turn_[0-9a-f]{32}", turn)
        assert all(e.context.turn_id == turn for e in events if e.type.startswith(("turn.", "output.")))
        assert next(e for e in events if e.type == "input.message").data["message"]["id"] == message.id
        deltas = [e.data["delta"] for e in events if e.type == "output.message.delta"]
        assert "".join(deltas) == "hello there"
    run(body)


@pytest.mark.skipif(EVERRUNS_SDK < (0, 2, 0), reason="everruns-sdk before 0.2 lists events without filters")
@requires("everruns", "createMessage", "listEvents")
def test_events_with_each_filter(gateway, world):
    """Every filter the SDK sends, checked against the unfiltered list as events.yaml describes it."""
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s, _ = await converse(ev, world.agent_everruns_id)
        every = await ev.events.list(s.id)
        ids = lambda es: [e.id for e in es]  # noqa: E731
        k = len(every) // 2
        cases = {
            "types": (dict(types=["turn.started", "turn.completed"]),
                      [e for e in every if e.type in ("turn.started", "turn.completed")]),
            "exclude": (dict(exclude=["output.message.delta"]),
                        [e for e in every if e.type != "output.message.delta"]),
            "types+exclude": (dict(types=["output.message.delta", "turn.completed"], exclude=["turn.completed"]),
                              [e for e in every if e.type == "output.message.delta"]),
            "since_id": (dict(since_id=every[k].id), every[k + 1:]),
            "after_sequence": (dict(after_sequence=every[k].sequence), every[k + 1:]),
            "before_sequence": (dict(before_sequence=every[k].sequence), every[:k]),
            "before_sequence+limit": (dict(before_sequence=every[k].sequence, limit=2), every[k - 2:k]),
            "limit": (dict(limit=2), every[:2]),
            "after+before": (dict(after_sequence=every[1].sequence, before_sequence=every[4].sequence), every[2:4]),
        }
        for name, (query, expected) in cases.items():
            assert ids(await ev.events.list(s.id, **query)) == ids(expected), name
        with pytest.raises(ApiError) as e:
            await ev.events.list(s.id, types=["no.such.type"])
        assert e.value.status_code == 400
    run(body)


# -- SSE: the SDK's own client and reconnect -----------------------------------------------------------------------

@requires("everruns", "createMessage", "listEvents", "streamEvents")
def test_stream_a_turn_live(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s = await create(ev, world.scripted_everruns_id)
        reader = asyncio.create_task(collect(ev.events.stream(s.id)))
        await asyncio.sleep(0.5)
        await ev.messages.create(s.id, "please be slow")
        streamed = await reader
        assert_events(streamed, s.id)
        assert [e.id for e in streamed] == [e.id for e in await ev.events.list(s.id)]
        assert "".join(e.data["delta"] for e in streamed if e.type == "output.message.delta") == SLOW_REPLY
    run(body)


@requires("everruns", "createMessage", "listEvents", "streamEvents")
def test_stream_resumes_after_since_id(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s, _ = await converse(ev, world.agent_everruns_id)
        every = await ev.events.list(s.id)
        k = len(every) // 2
        tail = await collect(ev.events.stream(s.id, since_id=every[k].id))
        assert [e.id for e in tail] == [e.id for e in every[k + 1:]]
        kept = await collect(ev.events.stream(s.id, exclude=["output.message.delta"]))
        assert [e.id for e in kept] == [e.id for e in every if e.type != "output.message.delta"]
        if has_param(ev.events.stream, "types"):
            only = await collect(ev.events.stream(s.id, types=["turn.started", "session.idled"]))
            assert [e.type for e in only] == ["turn.started", "session.idled"]
    run(body)


@requires("everruns", "createMessage", "listEvents", "streamEvents")
def test_the_sdk_reconnects_a_cut_stream_without_loss_or_repeat(gateway, world, cutting_proxy):
    """A proxy between the SDK and the gateway cuts the first SSE connection mid-turn (mid-frame); the SDK's own
    reconnect resumes with since_id and the events arrive once each, all of them."""
    async def body(make):
        ev = make(world.everruns_key, base_url=cutting_proxy.url)
        s = await create(ev, world.scripted_everruns_id)
        reader = asyncio.create_task(collect(ev.events.stream(s.id), timeout=30))
        await asyncio.sleep(0.5)
        await ev.messages.create(s.id, "please be slow")
        streamed = await reader
        assert cutting_proxy.cuts == 1 and cutting_proxy.sse_connections >= 2
        assert_events(streamed, s.id)
        assert [e.id for e in streamed] == [e.id for e in await ev.events.list(s.id)]
    run(body)


# -- cancel --------------------------------------------------------------------------------------------------------

@requires("everruns", "createMessage", "listEvents", "streamEvents", "cancelTurn")
def test_cancel_mid_turn(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        s = await create(ev, world.scripted_everruns_id)
        stream = ev.events.stream(s.id)
        first_delta = asyncio.Event()

        def until(e):
            if e.type == "output.message.delta":
                first_delta.set()
            return e.type == "session.idled"
        reader = asyncio.create_task(collect(stream, until=until))
        await ev.messages.create(s.id, "please be slow")
        await asyncio.wait_for(first_delta.wait(), 10)
        assert (await ev.sessions.get(s.id)).status == "active"
        await ev.sessions.cancel(s.id)
        streamed = await reader
        types = [e.type for e in streamed]
        assert "turn.cancelled" in types and "turn.completed" not in types
        cancelled = next(e for e in streamed if e.type == "turn.cancelled")
        assert cancelled.data["turn_id"] == next(e for e in streamed if e.type == "turn.started").context.turn_id
        assert (await ev.sessions.get(s.id)).status == "idle"
        await ev.sessions.cancel(s.id)  # no turn runs: no_op, still a success
    run(body)


# -- errors as the SDK's own types ---------------------------------------------------------------------------------

UNKNOWN = "session_" + "0" * 32


@error_envelope
@requires("everruns", "createMessage", "listMessages", "listEvents")
def test_unknown_session_raises_not_found(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        for call in (lambda: ev.messages.create(UNKNOWN, "hi"), lambda: ev.messages.list(UNKNOWN),
                     lambda: ev.events.list(UNKNOWN)):
            with pytest.raises(NotFoundError) as e:
                await call()
            assert e.value.status_code == 404
    run(body)


@error_envelope
@requires("everruns", "createMessage", "listMessages", "listEvents")
def test_malformed_session_id_raises_bad_request(gateway, world):
    async def body(make):
        ev = make(world.everruns_key, **base(gateway))
        for call in (lambda: ev.messages.create("session_1", "hi"), lambda: ev.messages.list("session_1"),
                     lambda: ev.events.list("session_1")):
            with pytest.raises(ApiError) as e:
                await call()
            assert type(e.value) is ApiError and e.value.status_code == 400
    run(body)


@error_envelope
@requires("everruns", "createMessage", "listMessages")
def test_a_session_of_another_organisation_raises_not_found(gateway, world):
    async def body(make):
        s = await create(make(world.everruns_key, **base(gateway)), world.agent_everruns_id)
        other = make(world.other_tenant_everruns_key, **base(gateway))
        for call in (lambda: other.messages.create(s.id, "hi"), lambda: other.messages.list(s.id)):
            with pytest.raises(NotFoundError):
                await call()
    run(body)
