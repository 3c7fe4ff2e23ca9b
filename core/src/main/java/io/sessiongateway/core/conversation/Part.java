package io.sessiongateway.core.conversation;

import com.fasterxml.jackson.databind.JsonNode;

/** One part of a message's content. */
public sealed interface Part {
    /** Plain text. */
    record Text(String text) implements Part {}

    /** An image by reference: a URL or a {@code data:} URI; the gateway stores no blobs. */
    record Image(String url, String mediaType) implements Part {}

    /** A call of a tool by the agent; {@code arguments} is a JSON object. */
    record ToolCall(String id, String name, JsonNode arguments) implements Part {}

    /** A tool's answer to a call. */
    record ToolResult(String toolCallId, String output, boolean isError) implements Part {}
}
