package io.sessiongateway.adapters.recoup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessiongateway.adapters.spi.EventStreams;
import io.sessiongateway.adapters.spi.FrameMapper;
import io.sessiongateway.adapters.spi.SseFrame;
import io.sessiongateway.adapters.spi.StreamOptions;
import io.sessiongateway.core.conversation.Turn;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * A turn's answer as the AI SDK UI message stream over the shared SSE layer: {@code data: <chunk>} frames without
 * ids or event types ({@link RecoupUiStream}), {@code data: [DONE]} after the last chunk, and the headers {@code
 * x-vercel-ai-ui-message-stream: v1} and {@code x-workflow-run-id} (the turn's id). The stream reads the log from the
 * turn's start, so a resumed stream replays the answer from its first chunk, less the {@code startIndex} chunks the
 * client already has: no loss and no repeat, since the same events always give the same chunks.
 */
final class RecoupStreams {
    static final String DONE = "[DONE]";
    static final String PROTOCOL_HEADER = "x-vercel-ai-ui-message-stream";
    static final String RUN_HEADER = "x-workflow-run-id";

    private RecoupStreams() {}

    /** The frames of one stream of the turn, skipping its first {@code startIndex} chunks; one per stream. */
    static FrameMapper mapper(RecoupUiStream ui, int startIndex) {
        int[] toSkip = {startIndex};
        return e -> {
            List<SseFrame> frames = new ArrayList<>();
            for (ObjectNode chunk : ui.chunks(e)) {
                if (toSkip[0] > 0) {
                    toSkip[0]--;
                } else {
                    frames.add(SseFrame.data(chunk.toString()));
                }
            }
            if (ui.ended()) {
                frames.add(SseFrame.data(DONE));
            }
            return frames;
        };
    }

    /** 200: the stream of the turn's answer, read from the log after {@code afterSeq}, ending with the turn. */
    static Response answer(EventStreams streams, Turn turn, long afterSeq, int startIndex) {
        RecoupUiStream ui = new RecoupUiStream(turn.id());
        Response r = streams.open(
                turn.sessionId(),
                afterSeq,
                mapper(ui, startIndex),
                StreamOptions.defaults()
                        .filter(e -> turn.id().equals(e.turnId()))
                        .endAfter(e -> ui.ended()));
        return Response.fromResponse(r)
                .header(PROTOCOL_HEADER, "v1")
                .header(RUN_HEADER, turn.id().toString())
                .build();
    }
}
