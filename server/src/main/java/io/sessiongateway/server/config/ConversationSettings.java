package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Conversations (issue #13, docs/architecture.md): what answers turns in the gateway itself.
 *
 * @param defaultResponder {@code gateway.conversations.default-responder}: the responder of agents created without
 *     one: {@code echo}, {@code script}, {@code none} (an external runtime), or an external worker's name
 * @param script {@code gateway.conversations.script}: the {@code script} responder's YAML rules file; null: that
 *     responder does not run in this instance
 * @param workers {@code gateway.conversations.workers}: threads that run the built-in responders; 0: none
 * @param streamHeartbeat {@code gateway.streams.heartbeat}: a comment line on an event stream idle this long
 */
public record ConversationSettings(String defaultResponder, Path script, int workers, Duration streamHeartbeat) {

    /** Reads {@code gateway.conversations.*}. */
    static ConversationSettings from(Config g) {
        Config c = g.getConfig("conversations");
        String responder = c.getString("default-responder").strip();
        if (!responder.matches("[a-z][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException(
                    "conversations.default-responder must be a lowercase name (echo, script, none, ...): " + responder);
        }
        int workers = c.getInt("workers");
        if (workers < 0 || workers > 64) {
            throw new IllegalArgumentException("conversations.workers must be between 0 and 64: " + workers);
        }
        String script = GatewayConfig.blankToNull(c.getString("script"));
        Duration heartbeat = g.getDuration("streams.heartbeat");
        if (heartbeat.toMillis() < 100 || heartbeat.toHours() > 1) {
            throw new IllegalArgumentException("streams.heartbeat must be between 100ms and 1h: " + heartbeat);
        }
        return new ConversationSettings(responder, script == null ? null : Path.of(script), workers, heartbeat);
    }
}
