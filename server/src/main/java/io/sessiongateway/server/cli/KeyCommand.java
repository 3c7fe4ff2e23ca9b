package io.sessiongateway.server.cli;

import io.sessiongateway.server.Dialects;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code key create|list|revoke}: API keys, in the form of one of the dialects that take them. */
@Command(
        name = "key",
        mixinStandardHelpOptions = true,
        description = "Create, list and revoke API keys.",
        subcommands = {KeyCommand.Create.class, KeyCommand.ListKeys.class, KeyCommand.Revoke.class})
final class KeyCommand implements TenantAdminCommand.Configured {
    @Mixin
    ConfigOption config;

    @Override
    public ConfigOption config() {
        return config;
    }

    /** The dialects that take API keys, as the registry declares them: picocli's candidates and its check. */
    static final class KeyForms implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Dialects.apiKeyForms().iterator();
        }
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create an API key; prints it with its secret, which is shown this once.")
    static final class Create extends TenantAdminCommand {
        @Option(
                names = "--dialect",
                required = true,
                completionCandidates = KeyForms.class,
                description = "The key's dialect: ${COMPLETION-CANDIDATES}.")
        String dialect;

        @Option(names = "--name", required = true, description = "A name to recognise the key by.")
        String name;

        @Option(names = "--subject", required = true, description = "Subject id the key acts as.")
        String subject;

        @Option(names = "--subject-type", defaultValue = "serviceaccount", description = "Default: ${DEFAULT-VALUE}.")
        String subjectType;

        @Option(names = "--account", paramLabel = "UUID", description = "Owning account.")
        UUID account;

        @Option(names = "--team", paramLabel = "ID", description = "Team ObjectId the key acts for (repeatable).")
        List<String> teams = new ArrayList<>();

        @Option(
                names = "--ttl",
                converter = Durations.class,
                description = "Expire after: 90s, 15m, 12h, 7d or ISO-8601.")
        Duration ttl;

        @Override
        public Integer call() throws Exception {
            if (!Dialects.apiKeyForms().contains(dialect)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "Invalid value for option '--dialect': expected one " + "of " + Dialects.apiKeyForms()
                                + " (case-sensitive) but was '" + dialect + "'");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("dialect", dialect);
            body.put("name", name);
            body.put("subject_id", subject);
            body.put("subject_type", subjectType);
            body.put("teams", teams);
            if (account != null) {
                body.put("account", account.toString());
            }
            if (ttl != null) {
                body.put("expires_at", Instant.now().plus(ttl).toString());
            }
            int rc = admin("POST", "api-keys", body, 201);
            if (rc == 0) {
                note("the secret above is shown once; only its hash is stored");
            }
            return rc;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's keys (never secrets).")
    static final class ListKeys extends TenantAdminCommand {

        @Override
        public Integer call() throws Exception {
            return admin("GET", "api-keys", null, 200);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key, effective at once.")
    static final class Revoke extends TenantAdminCommand {
        @Parameters(paramLabel = "KEY_ID", description = "The key's id (from key list).")
        UUID id;

        @Override
        public Integer call() throws Exception {
            int rc = admin("DELETE", "api-keys/" + id, null, 204);
            if (rc == 0) {
                note("revoked key " + id);
            }
            return rc;
        }
    }
}
