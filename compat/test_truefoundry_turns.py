"""TrueFoundry's own SDK (truefoundry-gateway-sdk), unmodified, holding conversations through the truefoundry dialect:
send a turn and stream it with the SDK's SSE client, resume a cut stream (after_sequence_number and Last-Event-Id),
read turns and events back with the SDK's pagers, cancel mid-turn, and the errors as the SDK's own types.

Agents: `helper` answers with the built-in `echo` responder, `scripted` with compat/responder.yaml ("slow" makes a
turn of about 4 s, "weather" calls a tool, "fail" fails the turn). Differences between the SDK and the documents:
specs/truefoundry/NOTES.md, "SDK 0.4.2 and the conversation documents"."""

from __future__ import annotations

import logging
import time

import pytest
from truefoundry_gateway_sdk import (ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError,
                                     TrueFoundryGateway)
from truefoundry_gateway_sdk.agents import AgentSessionClient
from truefoundry_gateway_sdk.core.api_error import ApiError
from truefoundry_gateway_sdk.types import (ModelMessageDeltaEvent, ModelMessageEvent, SessionEventItem,
                                           ToolResponseEvent, TurnCreatedEvent, TurnDoneEvent, TurnStateCancelled,
                                           TurnStateDone, TurnStateError, TurnStateRunning)

from served import requires

pytestmark = pytest.mark.truefoundry

HELLO = [{"type": "user.message", "content": "hello there"}]
SLOW = [{"type": "user.message", "content": "please be slow"}]
SLOW_REPLY = "This answer comes slowly, a few characters at a time, so that it can be cut and resumed."


@pytest.fixture(autouse=True)
def no_skipped_frames(caplog):
    """The SDK skips a frame it cannot parse with a log warning instead of raising: such a frame fails the test."""
    caplog.set_level(logging.WARNING)
    yield
    skipped = [r.getMessage() for r in caplog.records if "Skipping SSE event" in r.getMessage()
               or "Unexpected error processing SSE event" in r.getMessage()]
    assert not skipped, "the SDK skipped frames it could not parse:\n" + "\n".join(skipped)


def client(gateway, token=None) -> TrueFoundryGateway:
    return TrueFoundryGateway(base_url=f"{gateway.url}/{gateway.world.tenant}", api_key=token or gateway.world.token,
                              max_retries=0, timeout=30)


def new_session(tf, agent) -> str:
    return tf.agents.sessions.create(agent_name=agent).data.id


def frames(stream) -> list:
    """Every frame of a stream (the SDK's StreamEvent: data, id, event), read to its end."""
    with stream as s:
        return list(s.with_metadata())


def create_turn_stream(tf, session_id, input=HELLO, **kw) -> list:
    return frames(tf.agents.sessions.create_turn_stream(session_id, input=input, **kw))


def subscribe(tf, session_id, turn_id, **kw) -> list:
    return frames(tf.agents.sessions.subscribe_to_turn(session_id, turn_id, **kw))


def assert_sequence(fs):
    """Frame ids are decimal sequence numbers, increasing along the stream (the SDK resumes after them)."""
    ids = [int(f.id) for f in fs]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), ids


def text_of(content) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    return "".join(part.text for part in content if getattr(part, "type", None) == "text")


def assert_turn(fs, text, said=None):
    """turn.created (running, with the user's input) first, the reply in deltas, the agent message, turn.done (done)
    last. `said` is the user's text (the echo responder's reply is the same)."""
    assert_sequence(fs)
    events = [f.data for f in fs]
    created, done = events[0], events[-1]
    assert isinstance(created, TurnCreatedEvent) and isinstance(created.state, TurnStateRunning)
    assert created.created_by.subject_id == "alice"
    assert [i.content for i in created.input] == [said or text]
    assert isinstance(done, TurnDoneEvent) and isinstance(done.state, TurnStateDone)
    deltas = [e for e in events if isinstance(e, ModelMessageDeltaEvent)]
    messages = [e for e in events if isinstance(e, ModelMessageEvent)]
    assert deltas and "".join(d.content or "" for d in deltas) == text
    assert len(messages) == 1 and text_of(messages[0].content) == text
    assert all(f.event in (None, f.data.type) for f in fs)
    return created.turn_id


def wait_for_state(tf, session_id, turn_id, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        turn = tf.agents.sessions.get_turn(session_id, turn_id).data
        if not isinstance(turn.state, TurnStateRunning) or time.monotonic() > deadline:
            return turn
        time.sleep(0.1)


# -- send and stream -----------------------------------------------------------------------------------------------

@requires("truefoundry", "createTurn")
def test_create_turn_stream_echo(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    fs = create_turn_stream(tf, sid)
    assert_turn(fs, "hello there")
    assert fs[0].data.previous_turn_id is None


@requires("truefoundry", "createTurn")
def test_the_sdks_merge_event_delta_rebuilds_the_message_from_its_deltas(gateway, world):
    """The SDK's public helper folds `.delta` events into a base event of the same id: the streamed message."""
    from truefoundry_gateway_sdk.agents import is_event_delta, merge_event_delta
    tf = client(gateway)
    fs = create_turn_stream(tf, new_session(tf, world.agent_name))
    deltas = [f.data for f in fs if is_event_delta(f.data)]
    message = next(f.data for f in fs if isinstance(f.data, ModelMessageEvent))
    base = ModelMessageEvent(id=deltas[0].id, thread_id=deltas[0].thread_id, created_at=message.created_at)
    for d in deltas:
        merge_event_delta(base, d)
    assert base.id == message.id and text_of(base.content) == text_of(message.content) == "hello there"


@requires("truefoundry", "createTurn", "getTurn")
def test_create_turn_json_then_get_turn(gateway, world):
    """create_turn sends `stream: false` and reads the turn as JSON (specs/truefoundry/NOTES.md, finding 2)."""
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    turn = tf.agents.sessions.create_turn(sid, input=HELLO).data
    assert turn.session_id == sid and turn.previous_turn_id is None
    assert turn.created_by_subject.subject_id == "alice"
    assert [i.content for i in turn.input] == ["hello there"]
    done = wait_for_state(tf, sid, turn.id)
    assert isinstance(done.state, TurnStateDone)
    assert (done.id, done.created_at, done.created_by_subject) == (turn.id, turn.created_at, turn.created_by_subject)


@requires("truefoundry", "createTurn", "getTurn")
def test_high_level_prepared_turn_execute(gateway, world):
    """The SDK's high-level client: prepare_turn().execute() streams TurnStreamData and tracks the turn's state."""
    session = AgentSessionClient(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token,
                                 max_retries=0).create_session(agent_name=world.agent_name)
    prepared = session.prepare_turn(input=HELLO)
    data = list(prepared.execute())
    assert [d.sequence_number for d in data] == sorted(d.sequence_number for d in data)
    assert isinstance(data[0].event, TurnCreatedEvent) and isinstance(data[-1].event, TurnDoneEvent)
    assert prepared.id == data[0].event.turn_id and isinstance(prepared.state, TurnStateDone)
    assert session.get_turn(prepared.id).state.status == "done"


@requires("truefoundry", "createTurn")
def test_a_tool_call_streams_as_a_model_message_and_a_tool_response(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    fs = create_turn_stream(tf, sid, input=[{"type": "user.message", "content": "what is the weather?"}])
    assert_sequence(fs)
    events = [f.data for f in fs]
    calls = [e for e in events if isinstance(e, ModelMessageEvent) and e.tool_calls]
    responses = [e for e in events if isinstance(e, ToolResponseEvent)]
    assert len(calls) == 1 and len(responses) == 1
    call = calls[0].tool_calls[0]
    assert call.function.name == "get_weather" and responses[0].tool_call_id == call.id
    assert responses[0].content == "sunny"
    assert text_of([e for e in events if isinstance(e, ModelMessageEvent)][-1].content) == "It is sunny in Paris."
    assert isinstance(events[-1].state, TurnStateDone)


@requires("truefoundry", "createTurn")
def test_a_failed_turn_ends_in_the_error_state(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    fs = create_turn_stream(tf, sid, input=[{"type": "user.message", "content": "please fail"}])
    done = fs[-1].data
    assert isinstance(done, TurnDoneEvent) and isinstance(done.state, TurnStateError)
    assert done.state.message == "the script says no"


# -- resume a cut stream -------------------------------------------------------------------------------------------

def cut_after(tf, sid, n):
    """Starts a slow turn, reads n frames, and drops the connection (closing the SDK's stream)."""
    stream = tf.agents.sessions.create_turn_stream(sid, input=SLOW)
    it = stream.with_metadata()
    got = [next(it) for _ in range(n)]
    stream.close()
    return got


@requires("truefoundry", "createTurn", "subscribeToTurn")
@pytest.mark.parametrize("how", ["after_sequence_number", "Last-Event-Id", "high-level Turn.stream"])
def test_resume_a_cut_stream(gateway, world, how):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    head = cut_after(tf, sid, 4)
    turn_id, last = head[0].data.turn_id, int(head[-1].id)
    if how == "after_sequence_number":
        tail = subscribe(tf, sid, turn_id, after_sequence_number=last)
    elif how == "Last-Event-Id":
        options = {"additional_headers": {"Last-Event-Id": str(last)}}
        tail = subscribe(tf, sid, turn_id, request_options=options)
    else:
        session = AgentSessionClient(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token,
                                     max_retries=0).get_session(sid)
        turn = session.get_turn(turn_id)
        tail = [type("F", (), {"id": str(d.sequence_number), "data": d.event, "event": None})
                for d in turn.stream(after_sequence_number=last)]
        assert turn.state.status == "done"
    # no loss, no repeat: the head and the tail are the whole turn, as a subscription from the start replays it
    whole = subscribe(tf, sid, turn_id)
    assert [int(f.id) for f in head + tail] == [int(f.id) for f in whole]
    assert [f.data for f in head + tail] == [f.data for f in whole]
    assert_turn(whole, SLOW_REPLY, said=SLOW[0]["content"])


@requires("truefoundry", "createTurn", "subscribeToTurn")
def test_subscribe_to_a_finished_turn_replays_it_and_ends(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    streamed = create_turn_stream(tf, sid)
    turn_id = streamed[0].data.turn_id
    assert [f.data for f in subscribe(tf, sid, turn_id)] == [f.data for f in streamed]
    replayed = subscribe(tf, sid, turn_id, after_sequence_number=int(streamed[1].id))
    assert [f.data for f in replayed] == [f.data for f in streamed[2:]]
    assert subscribe(tf, sid, turn_id, after_sequence_number=int(streamed[-1].id)) == []


# -- history -------------------------------------------------------------------------------------------------------

@requires("truefoundry", "createTurn", "listTurns", "getTurn")
def test_list_turns_pages_newest_first_and_chains_them(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    ids = [create_turn_stream(tf, sid, input=[{"type": "user.message", "content": f"turn {i}"}])[0].data.turn_id
           for i in range(3)]
    pager = tf.agents.sessions.list_turns(sid, limit=2)
    assert len(pager.items) == 2 and pager.has_next
    listed = list(pager)
    assert [t.id for t in listed] == ids[::-1]
    assert [t.previous_turn_id for t in listed] == [ids[1], ids[0], None]
    assert [t.input[0].content for t in listed] == ["turn 2", "turn 1", "turn 0"]
    assert all(isinstance(t.state, TurnStateDone) for t in listed)
    for t in listed:
        assert tf.agents.sessions.get_turn(sid, t.id).data == t
    # the high-level client walks the same pages
    session = AgentSessionClient(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token,
                                 max_retries=0).get_session(sid)
    assert [t.id for t in session.list_turns(limit=1)] == ids[::-1]


@requires("truefoundry", "createTurn", "listTurns")
def test_previous_turn_id_chains_the_turns(gateway, world):
    """A turn id continues that turn; `none` continues the last turn like `auto`: the gateway keeps one chain per
    session (specs/truefoundry/NOTES.md, "Served": its turns are serial)."""
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    first = create_turn_stream(tf, sid)[0].data.turn_id
    second = create_turn_stream(tf, sid, previous_turn_id=first)[0].data
    assert second.previous_turn_id == first
    third = create_turn_stream(tf, sid, previous_turn_id="none")[0].data
    assert third.previous_turn_id == second.turn_id


@requires("truefoundry", "createTurn", "listTurnEvents")
def test_list_turn_events_of_a_finished_turn(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    fs = create_turn_stream(tf, sid, input=[{"type": "user.message", "content": "weather please"}])
    turn_id = fs[0].data.turn_id
    # the persisted events are the stream's content events, deltas merged into their message
    expected = [f.data for f in fs if not isinstance(f.data, (TurnCreatedEvent, TurnDoneEvent,
                                                               ModelMessageDeltaEvent))]
    events = list(tf.agents.sessions.list_turn_events(sid, turn_id, limit=1))
    assert [e.id for e in events] == [e.id for e in expected]
    assert [e.type for e in events] == [e.type for e in expected]
    desc = list(tf.agents.sessions.list_turn_events(sid, turn_id, limit=2, order="desc"))
    assert [e.id for e in desc] == [e.id for e in events][::-1]


@requires("truefoundry", "createTurn", "listSessionEvents")
def test_list_session_events_across_turns(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    first = create_turn_stream(tf, sid, input=[{"type": "user.message", "content": "one"}])
    second = create_turn_stream(tf, sid, input=[{"type": "user.message", "content": "two"}])
    items = list(tf.agents.sessions.list_events(sid, limit=3))
    assert all(isinstance(i, SessionEventItem) for i in items)
    turn_ids = [first[0].data.turn_id, second[0].data.turn_id]
    # newest first: the second turn's events, then the first's, each item naming its turn
    assert [i.turn_id for i in items] == sorted([i.turn_id for i in items], key=lambda t: -turn_ids.index(t))
    assert {i.turn_id for i in items} == set(turn_ids)
    assert {"turn.created", "turn.done", "model.message"} <= {i.event.type for i in items}
    only_first = list(tf.agents.sessions.list_events(sid, last_turn_id=turn_ids[0]))
    assert {i.turn_id for i in only_first} == {turn_ids[0]}


# -- cancel --------------------------------------------------------------------------------------------------------

@requires("truefoundry", "createTurn", "getTurn", "cancelSession")
def test_cancel_mid_turn(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    with tf.agents.sessions.create_turn_stream(sid, input=SLOW) as stream:
        it = stream.with_metadata()
        got = []
        for f in it:
            got.append(f)
            if isinstance(f.data, ModelMessageDeltaEvent):
                tf.agents.sessions.cancel(sid)
                break
        got += list(it)
    assert_sequence(got)
    done = got[-1].data
    assert isinstance(done, TurnDoneEvent) and isinstance(done.state, TurnStateCancelled)
    assert done.state.reason == "client-cancelled"
    turn = tf.agents.sessions.get_turn(sid, got[0].data.turn_id).data
    assert isinstance(turn.state, TurnStateCancelled) and turn.state.reason == "client-cancelled"
    tf.agents.sessions.cancel(sid)  # nothing runs any more: still 200 {}


@requires("truefoundry", "createTurn", "getTurn")
def test_a_new_turn_cancels_the_running_one(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    running = tf.agents.sessions.create_turn(sid, input=SLOW).data
    fs = create_turn_stream(tf, sid, input=[{"type": "user.message", "content": "next"}])
    assert fs[0].data.previous_turn_id == running.id
    old = wait_for_state(tf, sid, running.id)
    assert isinstance(old.state, TurnStateCancelled) and old.state.reason == "cancelled-for-next-turn"


# -- errors as the SDK's own types ---------------------------------------------------------------------------------

UNKNOWN_TURN = "turn_" + "0" * 32


@requires("truefoundry", "getTurn", "listTurns", "createTurn", "listTurnEvents", "listSessionEvents",
          "subscribeToTurn")
def test_unknown_session_or_turn_raises_not_found(gateway, world):
    tf = client(gateway)
    unknown = "session_" + "0" * 32
    sid = new_session(tf, world.agent_name)
    calls = {
        "create_turn": lambda: tf.agents.sessions.create_turn(unknown, input=HELLO),
        "list_turns": lambda: list(tf.agents.sessions.list_turns(unknown)),
        "get_turn": lambda: tf.agents.sessions.get_turn(sid, UNKNOWN_TURN),
        "list_turn_events": lambda: list(tf.agents.sessions.list_turn_events(sid, UNKNOWN_TURN)),
        "list_events": lambda: list(tf.agents.sessions.list_events(unknown)),
        "subscribe_to_turn": lambda: subscribe(tf, sid, UNKNOWN_TURN),
    }
    for name, call in calls.items():
        with pytest.raises(NotFoundError) as e:
            call()
        assert e.value.status_code == 404, name
        assert e.value.body.error.type == "not_found_error", name


@requires("truefoundry", "createTurn", "listTurnEvents")
def test_events_of_a_running_turn_raise_conflict(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.scripted_agent_name)
    running = tf.agents.sessions.create_turn(sid, input=SLOW).data
    with pytest.raises(ConflictError) as e:
        list(tf.agents.sessions.list_turn_events(sid, running.id))
    assert e.value.status_code == 409
    tf.agents.sessions.cancel(sid)


@requires("truefoundry", "createTurn")
def test_previous_turn_that_is_not_the_last_raises_precondition_failed(gateway, world):
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    first = create_turn_stream(tf, sid)[0].data.turn_id
    create_turn_stream(tf, sid)
    with pytest.raises(PreconditionFailedError) as e:
        tf.agents.sessions.create_turn(sid, input=HELLO, previous_turn_id=first)
    assert e.value.status_code == 412


@requires("truefoundry", "createTurn")
def test_another_subjects_session_raises_forbidden(gateway, world):
    sid = new_session(client(gateway), world.agent_name)
    with pytest.raises(ForbiddenError) as e:
        client(gateway, world.stranger_token).agents.sessions.create_turn(sid, input=HELLO)
    assert (e.value.status_code, e.value.body.error.code) == (403, "session_forbidden")


@requires("truefoundry", "listTurns", "listSessionEvents")
def test_bad_token_raises_an_api_error_401(gateway, world):
    """The SDK has no error class for 401 on turn operations: a plain ApiError with the status and the body."""
    sid = new_session(client(gateway), world.agent_name)
    tf = client(gateway, "not-a-jwt")
    for call in (lambda: list(tf.agents.sessions.list_turns(sid)), lambda: list(tf.agents.sessions.list_events(sid))):
        with pytest.raises(ApiError) as e:
            call()
        assert e.value.status_code == 401
        assert e.value.body["error"]["code"] == "unauthenticated"


@requires("truefoundry", "listTurns")
def test_a_page_token_of_another_listing_raises_bad_request(gateway, world):
    from truefoundry_gateway_sdk import BadRequestError
    tf = client(gateway)
    sid = new_session(tf, world.agent_name)
    with pytest.raises(BadRequestError) as e:
        list(tf.agents.sessions.list_turns(sid, page_token="not-a-token"))
    assert e.value.status_code == 400
