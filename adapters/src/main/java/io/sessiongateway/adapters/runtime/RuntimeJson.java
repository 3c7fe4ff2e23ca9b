package io.sessiongateway.adapters.runtime;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.core.conversation.ClaimedTurn;
import io.sessiongateway.core.conversation.ConversationJson;
import io.sessiongateway.core.conversation.Event;
import io.sessiongateway.core.conversation.Message;
import io.sessiongateway.core.conversation.Turn;
import java.util.List;
import java.util.UUID;

/** The runtime API's bodies (specs/runtime/runtime.yaml), rendered from the canonical rows: pure functions. */
final class RuntimeJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RuntimeJson() {}

    static ObjectNode turn(Turn t) {
        ObjectNode o = NODES.objectNode();
        o.put("id", t.id().toString());
        o.put("session_id", t.sessionId().toString());
        o.put("number", t.number());
        o.put("status", t.status().dbValue());
        o.put(
                "cancel_reason",
                t.cancelReason() == null ? null : t.cancelReason().value());
        o.put("error", t.error());
        o.put("input_message_id", str(t.inputMessageId()));
        o.put("responder", t.responder());
        o.put("worker", t.worker());
        o.put("lease_until", ConversationJson.time(t.leaseUntil()));
        o.put("claims", t.claims());
        o.put("output_steps", t.outputSteps());
        o.put("created_at", ConversationJson.time(t.createdAt()));
        o.put("started_at", ConversationJson.time(t.startedAt()));
        o.put("finished_at", ConversationJson.time(t.finishedAt()));
        return o;
    }

    static ObjectNode message(Message m) {
        ObjectNode o = NODES.objectNode();
        o.put("id", m.id().toString());
        o.put("session_id", m.sessionId().toString());
        o.put("turn_id", str(m.turnId()));
        o.put("role", m.role().dbValue());
        o.set("content", ConversationJson.parts(m.content()));
        o.put("created_at", ConversationJson.time(m.createdAt()));
        return o;
    }

    static ObjectNode event(Event e) {
        ObjectNode o = NODES.objectNode();
        o.put("session_id", e.sessionId().toString());
        o.put("sequence", e.seq());
        o.put("id", e.id().toString());
        o.put("type", e.type().value());
        o.put("turn_id", str(e.turnId()));
        o.put("step", e.step());
        o.set("payload", e.payload() == null ? NODES.objectNode() : e.payload());
        o.put("created_at", ConversationJson.time(e.createdAt()));
        return o;
    }

    static ObjectNode claims(List<ClaimedTurn> claimed) {
        ObjectNode o = NODES.objectNode();
        var data = o.putArray("data");
        for (ClaimedTurn c : claimed) {
            ObjectNode item = data.addObject();
            item.set("turn", turn(c.turn()));
            item.set("input", message(c.input()));
        }
        return o;
    }

    static ObjectNode events(List<Event> events) {
        ObjectNode o = NODES.objectNode();
        var data = o.putArray("data");
        events.forEach(e -> data.add(event(e)));
        return o;
    }

    static ObjectNode data(ObjectNode value) {
        ObjectNode o = NODES.objectNode();
        o.set("data", value);
        return o;
    }

    private static String str(UUID id) {
        return id == null ? null : id.toString();
    }
}
