package io.sessiongateway.core.conversation;

import java.util.Locale;

/** Who a message is from. */
public enum Role {
    USER,
    AGENT,
    SYSTEM,
    TOOL;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
