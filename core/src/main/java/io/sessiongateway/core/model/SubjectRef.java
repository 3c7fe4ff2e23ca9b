package io.sessiongateway.core.model;

/** A caller as its token names it: type (user, serviceaccount, ...), id, and an optional human slug. */
public record SubjectRef(String type, String id, String slug) {}
