"""A session created through any dialect is read by both vendors' SDKs, unmodified: TrueFoundry's through the
truefoundry dialect, Everruns' through the everruns dialect; and a conversation held through one SDK is read through
the other (Everruns messages as TrueFoundry turns, and back). The creating call goes through the SDK where one is
installed, and through plain HTTP for Agentcloud and Recoup (no Python SDK)."""

from __future__ import annotations

import asyncio
import importlib.util

import httpx
import pytest

from conftest import EVERRUNS_VERSION
from served import requires

HAS_TF = importlib.util.find_spec("truefoundry_gateway_sdk") is not None
HAS_EVERRUNS = importlib.util.find_spec("everruns_sdk") is not None


def create_truefoundry(gateway, world) -> str:
    if HAS_TF:
        from truefoundry_gateway_sdk import TrueFoundryGateway
        tf = TrueFoundryGateway(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token, max_retries=0)
        return tf.agents.sessions.create(agent_name=world.agent_name).data.id
    r = httpx.post(f"{gateway.url}/{world.tenant}/v1/agents/sessions", json={"agent_name": world.agent_name},
                   headers={"Authorization": f"Bearer {world.token}"})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def create_everruns(gateway, world) -> str:
    if HAS_EVERRUNS:
        from everruns_sdk import Everruns

        async def main():
            async with Everruns(api_key=world.everruns_key, base_url=gateway.url) as ev:
                return (await ev.sessions.create(agent_id=world.agent_everruns_id, title="from everruns")).id
        return asyncio.run(main())
    r = httpx.post(f"{gateway.url}/v1/sessions", json={"agent_id": world.agent_everruns_id},
                   headers={"Authorization": world.everruns_key})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def create_agentcloud(gateway, world) -> str:
    r = httpx.post(f"{gateway.url}/{world.team}/forms/session/add", json={"id": world.agent_agentcloud_id},
                   headers={"Authorization": f"Bearer {world.token}"})
    assert r.status_code == 200, r.text
    object_id = r.json()["redirect"].rsplit("/", 1)[1]
    return gateway.session_ids(object_id, world.tenant)["truefoundry"]


def create_recoup(gateway, world) -> str:
    r = httpx.post(f"{gateway.url}/api/sessions", json={"title": "from recoup"},
                   headers={"Authorization": f"Bearer {world.token}"})
    assert r.status_code == 200, r.text
    return r.json()["session"]["id"]


CREATORS = {"truefoundry": create_truefoundry, "everruns": create_everruns, "agentcloud": create_agentcloud,
            "recoup": create_recoup}
@pytest.fixture(scope="module")
def created(gateway, world) -> dict[str, str]:
    """One session created through each dialect, read by every test below."""
    return {dialect: create(gateway, world) for dialect, create in CREATORS.items()}


AGENT = {"truefoundry": "helper", "everruns": "helper", "agentcloud": "helper", "recoup": "recoup"}


@pytest.mark.skipif(not HAS_TF, reason="truefoundry-gateway-sdk is not installed in this environment")
@pytest.mark.parametrize("dialect", CREATORS)
def test_truefoundry_sdk_reads_a_session_created_through(gateway, world, created, dialect):
    from truefoundry_gateway_sdk import TrueFoundryGateway
    session_id = created[dialect]
    tf = TrueFoundryGateway(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token, max_retries=0)
    s = tf.agents.sessions.get(session_id).data
    assert (s.type, s.id, s.agent_name) == ("session", session_id, AGENT[dialect])
    # alice's credentials carry no slug: the subject id stands in (the SDK requires a string)
    assert (s.created_by_subject.subject_id, s.created_by_subject.subject_type,
            s.created_by_subject.subject_slug) == ("alice", "user", "alice")


@pytest.mark.skipif(not HAS_EVERRUNS, reason="everruns-sdk is not installed in this environment")
@pytest.mark.parametrize("dialect", CREATORS)
def test_everruns_sdk_reads_a_session_created_through(gateway, world, created, dialect):
    from everruns_sdk import Everruns
    session_id = created[dialect]

    async def main():
        async with Everruns(api_key=world.everruns_key, base_url=gateway.url) as ev:
            return await ev.sessions.get(session_id)
    s = asyncio.run(main())
    assert s.id == session_id
    assert s.organization_id.startswith("org_")
    # no turn yet, whichever dialect created it (Recoup shows the same session as `running`)
    assert s.status == "started"
    if dialect != "recoup":
        assert s.agent_id == world.agent_everruns_id
    if EVERRUNS_VERSION == "0.2":
        assert s.harness_id.startswith("harness_")


# -- a conversation held through one SDK reads through the other (issue #13 item 6, issue #16) ----------------------

def _everruns(gateway, world, body):
    from everruns_sdk import Everruns

    async def main():
        async with Everruns(api_key=world.everruns_key, base_url=gateway.url) as ev:
            return await body(ev)
    return asyncio.run(main())


def _wait_idle(gateway, world, session_id):
    async def body(ev):
        for _ in range(200):
            if (await ev.sessions.get(session_id)).status == "idle":
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"session {session_id} never went idle")
    _everruns(gateway, world, body)


def _text(content) -> str:
    if content is None or isinstance(content, str):
        return content or ""
    return "".join(p.text for p in content if getattr(p, "type", None) == "text")


@pytest.mark.skipif(not (HAS_TF and HAS_EVERRUNS), reason="needs both SDKs (the current environment)")
@requires("everruns", "createMessage")
@requires("truefoundry", "listTurns", "listSessionEvents")
def test_messages_sent_through_everruns_read_as_truefoundry_turns(gateway, world):
    from truefoundry_gateway_sdk import TrueFoundryGateway

    async def send(ev):
        s = await ev.sessions.create(agent_id=world.agent_everruns_id)
        await ev.messages.create(s.id, "hello there")
        return s.id
    session_id = _everruns(gateway, world, send)
    _wait_idle(gateway, world, session_id)
    tf = TrueFoundryGateway(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token, max_retries=0)
    turns = list(tf.agents.sessions.list_turns(session_id))
    assert len(turns) == 1 and turns[0].state.status == "done"
    assert [i.content for i in turns[0].input] == ["hello there"]
    assert _text(turns[0].state.output.content) == "hello there"
    events = list(tf.agents.sessions.list_events(session_id))
    assert [_text(i.event.content) for i in events if i.event.type == "model.message"] == ["hello there"]


@pytest.mark.skipif(not (HAS_TF and HAS_EVERRUNS), reason="needs both SDKs (the current environment)")
@requires("truefoundry", "createTurn")
@requires("everruns", "listMessages", "listEvents")
def test_turns_sent_through_truefoundry_read_as_everruns_messages(gateway, world):
    from truefoundry_gateway_sdk import TrueFoundryGateway
    tf = TrueFoundryGateway(base_url=f"{gateway.url}/{world.tenant}", api_key=world.token, max_retries=0)
    session_id = tf.agents.sessions.create(agent_name=world.agent_name).data.id
    with tf.agents.sessions.create_turn_stream(session_id,
                                                input=[{"type": "user.message", "content": "hello there"}]) as s:
        list(s)

    async def read(ev):
        return await ev.messages.list(session_id), await ev.events.list(session_id)
    messages, events = _everruns(gateway, world, read)
    assert [(m.role, [p.text for p in m.content]) for m in messages] == [
        ("user", ["hello there"]), ("agent", ["hello there"])]
    assert {"input.message", "turn.started", "output.message.completed", "turn.completed"} <= {e.type for e in events}
