package io.sessiongateway.core.conversation.responder;

import io.sessiongateway.core.conversation.ClaimedTurn;
import java.util.ArrayList;
import java.util.List;

/** {@code echo}: the user's text back in a few text deltas, then the agent message, then done. */
public final class EchoResponder implements Responder {
    public static final String NAME = "echo";
    private static final int DELTAS = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void answer(ClaimedTurn turn, TurnWriter out) {
        String text = turn.input().text();
        for (String piece : split(text, DELTAS)) {
            out.delta(piece);
        }
        out.message(text);
        out.done();
    }

    /** At most {@code n} non-empty pieces, by code point, that concatenate to the text. */
    static List<String> split(String text, int n) {
        List<String> pieces = new ArrayList<>();
        int points = text.codePointCount(0, text.length());
        int size = Math.max(1, (points + n - 1) / n);
        int start = 0;
        while (start < text.length()) {
            int end = text.offsetByCodePoints(start, Math.min(size, text.codePointCount(start, text.length())));
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
