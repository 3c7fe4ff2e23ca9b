package io.sessiongateway.core.store;

/** The store contract on the in-memory store; a fresh store for each test. */
class InMemorySessionStoreTest extends SessionStoreContract {
    private final SessionStore store = new InMemorySessionStore();

    @Override
    protected SessionStore store() {
        return store;
    }
}
