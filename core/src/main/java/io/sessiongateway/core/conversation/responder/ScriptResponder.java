package io.sessiongateway.core.conversation.responder;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sessiongateway.core.conversation.ClaimedTurn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code script}: answers by the first rule whose pattern finds a match in the user's text (a YAML file):
 *
 * <pre>
 * rules:
 *   - match: "(?i)weather"        # a Java regex, searched in the user's text
 *     tool_calls:                 # optional, before the reply: each a call and its result
 *       - {name: get_weather, arguments: {city: Paris}, result: "sunny"}
 *     reply: "It is sunny."       # the agent message; "{input}" is the user's text
 *     delta_size: 4               # characters per text delta (default 8)
 *     delay_ms: 20                # pause before each delta (default 0)
 *   - match: "fail"
 *     fail: "the script says no"  # the turn ends with this error, after the reply if there is one
 * default: {reply: "I have no rule for that."}
 * </pre>
 */
public final class ScriptResponder implements Responder {
    public static final String NAME = "script";

    /** The rules file's shape. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Script(
            List<Rule> rules, @JsonProperty("default") Rule fallback) {
        public Script {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    /** One rule. */
    public record Rule(
            String match,
            String reply,
            @JsonProperty("delta_size") Integer deltaSize,
            @JsonProperty("delay_ms") Integer delayMs,
            @JsonProperty("tool_calls") List<ToolCall> toolCalls,
            String fail) {}

    /** A tool call the script makes, with the result it records for it. */
    public record ToolCall(String name, JsonNode arguments, String result) {}

    private record Compiled(Pattern pattern, Rule rule) {}

    private final List<Compiled> rules;
    private final Rule fallback;

    public ScriptResponder(Script script) {
        this.rules = script.rules().stream()
                .map(r -> new Compiled(Pattern.compile(r.match() == null ? "" : r.match()), r))
                .toList();
        this.fallback = script.fallback();
    }

    /** Reads a rules file; a malformed one fails here, at start-up. */
    public static ScriptResponder load(Path file) {
        ObjectMapper yaml =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return new ScriptResponder(yaml.readValue(file.toFile(), Script.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable script responder file " + file, e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void answer(ClaimedTurn turn, TurnWriter out) throws InterruptedException {
        String input = turn.input().text();
        Rule rule = rules.stream()
                .filter(c -> c.pattern().matcher(input).find())
                .map(Compiled::rule)
                .findFirst()
                .orElse(fallback);
        if (rule == null) {
            out.fail("no script rule matches the message");
            return;
        }
        Duration delay = Duration.ofMillis(rule.delayMs() == null ? 0 : rule.delayMs());
        if (rule.toolCalls() != null) {
            int n = 0;
            for (ToolCall call : rule.toolCalls()) {
                String id = "call_" + turn.turn().number() + "_" + ++n;
                out.pause(delay);
                out.toolCall(id, call.name(), call.arguments());
                out.pause(delay);
                out.toolResult(id, call.result() == null ? "" : call.result(), false);
            }
        }
        if (rule.reply() != null) {
            String reply = rule.reply().replace("{input}", input);
            int size = rule.deltaSize() == null ? 8 : Math.max(1, rule.deltaSize());
            int pieces = Math.max(1, (reply.codePointCount(0, reply.length()) + size - 1) / size);
            for (String piece : EchoResponder.split(reply, pieces)) {
                out.pause(delay);
                out.delta(piece);
            }
            out.message(reply);
        }
        if (rule.fail() != null) {
            out.fail(rule.fail());
        } else {
            out.done();
        }
    }
}
