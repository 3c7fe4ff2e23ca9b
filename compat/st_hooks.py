"""Schemathesis hooks (SCHEMATHESIS_HOOKS=st_hooks): path parameters get a real id from provisioning with some
probability, so that generated requests reach existing sessions, agents, teams and keys, not only 404s.

COMPAT_REAL_IDS holds {"<path parameter name>": ["<real id>", ...]} for the document under test."""

import json
import os

import schemathesis
from hypothesis import strategies as st

REAL = json.loads(os.environ.get("COMPAT_REAL_IDS", "{}"))


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    return st.fixed_dictionaries({
        name: st.one_of(st.just(value), st.sampled_from(REAL[name])) if REAL.get(name) else st.just(value)
        for name, value in path_parameters.items()
    })


@schemathesis.hook
def flatmap_body(context, body):
    """Bodies naming an agent (TrueFoundry's agent_name, Everruns' agent_id, Agentcloud's app id) name a real one
    with some probability, so that creates succeed too and their 2xx answers are checked."""
    if not isinstance(body, dict):
        return st.just(body)
    options = {name: REAL.get("body." + name) for name in body if REAL.get("body." + name)}
    if not options:
        return st.just(body)
    return st.fixed_dictionaries({
        name: st.one_of(st.just(value), st.sampled_from(options[name])) if name in options else st.just(value)
        for name, value in body.items()
    })
