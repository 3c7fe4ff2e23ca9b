package io.sessiongateway.core.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What a worker appends to a running turn, one step at a time. */
public sealed interface Output {
    /** Text of the agent message being written. */
    record TextDelta(String text) implements Output {}

    /** The agent message, complete (it takes the id its deltas announced). */
    record AgentMessage(List<Part> content) implements Output {
        public AgentMessage {
            content = List.copyOf(content);
        }
    }

    /** A tool call by the agent. */
    record ToolCall(String callId, String name, JsonNode arguments) implements Output {}

    /** A tool's result. */
    record ToolResult(String callId, String output, boolean isError) implements Output {}
}
