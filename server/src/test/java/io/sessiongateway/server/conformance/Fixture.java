package io.sessiongateway.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.restassured.response.Response;
import io.sessiongateway.server.conformance.ScenarioTable.Role;
import io.sessiongateway.server.conformance.ScenarioTable.Variant;
import io.sessiongateway.server.conformance.ScenarioTable.Who;
import io.sessiongateway.server.testing.GatewayHarness;
import io.sessiongateway.server.testing.clients.Clients;
import io.sessiongateway.server.testing.clients.GatewayAdminClient;
import io.sessiongateway.server.testing.clients.Provisioning;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The resources one dialect's scenarios need, created through the gateway's own APIs in fresh tenants: agents,
 * teams, keys, a session. Knows the credentials of each {@link Who} and the value of each {@link Role} in each
 * {@link Variant}, and can snapshot what the store holds for its tenants (to prove a refused request wrote
 * nothing).
 */
public abstract class Fixture {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Random RANDOM = new Random();

    protected final GatewayHarness gateway;
    protected final Clients clients;
    protected final Provisioning provisioning;
    protected final String tenant = GatewayHarness.uniqueTenant();
    protected final String otherTenant = GatewayHarness.uniqueTenant();

    protected Fixture(GatewayHarness gateway) {
        this.gateway = gateway;
        this.clients = gateway.clients();
        this.provisioning = clients.provisioning();
    }

    /** The request headers of {@code who}; for {@link Who#OWNER} the credential of that security scheme. */
    public abstract Map<String, String> headers(Who who, String scheme);

    /**
     * The value of a role-bound parameter or property in a variant; {@link SchemaData#OMIT} leaves a property out;
     * null when the fixture has nothing particular for that variant (the {@link Variant#EXISTING} value is used).
     */
    protected abstract JsonNode special(Role role, Variant variant);

    /** The value of a role in a variant, falling back to {@link Variant#EXISTING}. */
    public final JsonNode value(Role role, Variant variant) {
        JsonNode v = special(role, variant);
        if (v == null && variant != Variant.EXISTING) {
            v = special(role, Variant.EXISTING);
        }
        if (v == null) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " has no value for " + role);
        }
        return v;
    }

    /**
     * Called before an exchange is sent (and before the store is snapshotted for it): a fixture whose exchange would
     * consume a resource other exchanges need (a delete of its session) substitutes a fresh one here.
     *
     * @return the ids of the rows it created (the fuzz test acknowledges them)
     */
    protected List<String> prepare(Exchange x) {
        return List.of();
    }

    /** Whether the fixture has a value of this variant for the role. */
    public final boolean has(Role role, Variant variant) {
        return special(role, variant) != null;
    }

    /**
     * Called just before {@link Generator#run} sends an exchange. A fixture whose shared resource an exchange would
     * use up (a delete expected to succeed) gives that exchange a resource of its own here, so that the exchanges
     * after it still find the shared one. Default: the exchange is sent as generated.
     */
    protected void beforeSend(Exchange x) {}

    /** The tenant whose store the probes watch (and the TrueFoundry path's tenant). */
    public String tenant() {
        return tenant;
    }

    /** Tenants whose rows are snapshotted before and after refused writes. */
    public List<String> tenants() {
        return List.of(tenant, otherTenant);
    }

    /** What a refused request of this dialect could wrongly have written: the admin lists to snapshot. */
    protected List<String> kinds() {
        return List.of("sessions", "agents");
    }

    private String lastSnapshot;

    /** A request is about to be sent that may change the store: the next snapshot is taken afresh. */
    void mayChange() {
        lastSnapshot = null;
    }

    /**
     * What the store holds for the fixture's tenants, as the admin API lists it ({@link #kinds()}; API keys without
     * {@code last_used_at}, which a refused but authenticated request legitimately touches). Taken again only after
     * a request was sent since the last one.
     */
    public String snapshot() {
        if (lastSnapshot != null) {
            return lastSnapshot;
        }
        StringBuilder sb = new StringBuilder();
        for (String t : tenants()) {
            for (String kind : kinds()) {
                Response r = list(t, kind);
                if (r.statusCode() != 200) {
                    throw new AssertionError("cannot list " + kind + " of " + t + ": " + r.asString());
                }
                JsonNode body = read(r.asString());
                body.path("data").forEach(n -> ((ObjectNode) n).remove("last_used_at"));
                sb.append(t).append(' ').append(kind).append(' ').append(body).append('\n');
            }
        }
        lastSnapshot = sb.toString();
        return lastSnapshot;
    }

    /**
     * Every row the store holds for the fixture's tenants, each with the ids a client could have been told:
     * sessions (their id in every dialect), agents (id, name), teams (id, name), API keys (id).
     */
    public Map<String, List<String>> storedRows() {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String t : tenants()) {
            for (String kind : List.of("sessions", "agents", "teams", "api-keys")) {
                JsonNode body = read(list(t, kind).asString());
                for (JsonNode row : body.path("data")) {
                    List<String> ids = new ArrayList<>();
                    if (kind.equals("sessions")) {
                        row.path("ids").forEach(id -> ids.add(id.asText()));
                    } else {
                        ids.add(row.path("id").asText());
                        if (row.has("name")) {
                            ids.add(row.path("name").asText());
                        }
                    }
                    rows.put(t + " " + kind + " " + ids.get(0), ids);
                }
            }
        }
        return rows;
    }

    /** One of the admin API's lists of a tenant, as its administrator. */
    private Response list(String tenant, String kind) {
        GatewayAdminClient admin = clients.admin(tenant);
        return switch (kind) {
            case "sessions" -> admin.listSessions(tenant);
            case "agents" -> admin.listAgents(tenant);
            case "teams" -> admin.listTeams(tenant);
            case "api-keys" -> admin.listApiKeys(tenant);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    protected static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    protected static TextNode text(String value) {
        return TextNode.valueOf(value);
    }

    protected static String hex(int digits) {
        byte[] bytes = new byte[(digits + 1) / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, digits);
    }

    protected static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    protected static Map<String, String> headers(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
