package io.sessiongateway.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code session show|list|delete}: sessions through the admin API, each printed with its id and status in every
 * dialect.
 */
@Command(
        name = "session",
        mixinStandardHelpOptions = true,
        description = "Inspect, list and delete sessions via the admin API.",
        subcommands = {SessionCommand.Show.class, SessionCommand.ListSessions.class, SessionCommand.Delete.class})
final class SessionCommand implements TenantAdminCommand.Configured {
    @Mixin
    ConfigOption config;

    @Override
    public ConfigOption config() {
        return config;
    }

    /**
     * A command on one session named by any of its ids ({@code /admin/v1/sessions/{id}}): with an admin token of
     * {@code --tenant}, or an operator token (every tenant) by default.
     */
    abstract static class OneSession implements Callable<Integer> {
        @ParentCommand
        SessionCommand parent;

        @Spec
        CommandSpec spec;

        @Mixin
        AdminClient.UrlOption url;

        @Option(
                names = "--tenant",
                defaultValue = "*",
                description = "Tenant to look in; default: every tenant (an operator token).")
        String tenant;

        @Parameters(paramLabel = "ID", description = "Any of the session's ids (session_…, a public id, an ObjectId).")
        String id;

        final int session(String method, int expected) throws IOException, InterruptedException {
            return AdminClient.call(
                    spec,
                    parent.config.load(),
                    url.url,
                    tenant,
                    method,
                    "/admin/v1/sessions/" + AdminClient.segment(id),
                    null,
                    expected);
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print a session found by any of its ids (session_…, a chosen public id, an ObjectId).")
    static final class Show extends OneSession {
        @Override
        public Integer call() throws Exception {
            return session("GET", 200);
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a session found by any of its ids, as the dialects' deletes do; again: not found.")
    static final class Delete extends OneSession {
        @Override
        public Integer call() throws Exception {
            int rc = session("DELETE", 204);
            if (rc == 0) {
                spec.commandLine().getErr().println("deleted session '" + id + "'");
            }
            return rc;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List a tenant's sessions as JSON, oldest first, a page at a time (--all: every page).")
    static final class ListSessions extends TenantAdminCommand {
        @Option(names = "--agent", paramLabel = "NAME", description = "Only the sessions of this agent.")
        String agent;

        @Option(
                names = "--status",
                description = "Only sessions in this canonical status: created, running, waiting, completed, failed, "
                        + "cancelled, archived.")
        String status;

        @Option(names = "--owner", paramLabel = "SUBJECT", description = "Only sessions this subject id owns.")
        String owner;

        @Option(names = "--limit", paramLabel = "N", description = "Sessions per page, 1 to 1000; default 1000.")
        Integer limit;

        @Option(
                names = "--cursor",
                description = "Start after the page that printed this cursor (its next_cursor); same filters only.")
        String cursor;

        @Option(names = "--all", description = "Follow the cursors to the last page; prints every session in one list.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            if (!all) {
                AdminClient.Answer page = fetch(suffix(cursor));
                if (page.exit() != 0) {
                    return page.exit();
                }
                JsonNode body = AdminClient.JSON.readTree(page.body());
                AdminClient.print(spec, body);
                if (body.hasNonNull("next_cursor")) {
                    note("more sessions: --cursor " + body.get("next_cursor").asText());
                }
                return 0;
            }
            List<JsonNode> sessions = new ArrayList<>();
            String at = cursor;
            int pages = 0;
            do {
                AdminClient.Answer page = fetch(suffix(at));
                if (page.exit() != 0) {
                    return page.exit();
                }
                JsonNode body = AdminClient.JSON.readTree(page.body());
                body.path("data").forEach(sessions::add);
                at = body.hasNonNull("next_cursor") ? body.get("next_cursor").asText() : null;
                pages++;
            } while (at != null);
            ObjectNode out = AdminClient.JSON.createObjectNode();
            ArrayNode data = out.putArray("data");
            sessions.forEach(data::add);
            AdminClient.print(spec, out);
            note(sessions.size() + " sessions in " + pages + (pages == 1 ? " page" : " pages"));
            return 0;
        }

        /** {@code sessions?…}: the filters, the page size and the cursor as query parameters. */
        private String suffix(String at) {
            List<String> query = new ArrayList<>();
            add(query, "agent", agent);
            add(query, "status", status);
            add(query, "owner", owner);
            add(query, "limit", limit == null ? null : limit.toString());
            add(query, "cursor", at);
            return "sessions" + (query.isEmpty() ? "" : "?" + String.join("&", query));
        }

        private static void add(List<String> query, String name, String value) {
            if (value != null) {
                query.add(name + "=" + AdminClient.segment(value));
            }
        }
    }
}
