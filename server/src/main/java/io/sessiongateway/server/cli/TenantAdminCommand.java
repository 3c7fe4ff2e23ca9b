package io.sessiongateway.server.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every tenant-scoped admin subcommand ({@code agent}, {@code team}, {@code key}, {@code session list})
 * shares: the parent's
 * {@code --config}, {@code --url}, {@code --tenant}, and calls to {@code /admin/v1/tenants/{tenant}/...}.
 */
abstract class TenantAdminCommand implements Callable<Integer> {
    /** A parent command that carries the {@code --config} mixin. */
    interface Configured {
        ConfigOption config();
    }

    @ParentCommand
    Configured parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AdminClient.UrlOption url;

    @Option(names = "--tenant", required = true, description = "The tenant.")
    String tenant;

    /** Calls {@code method /admin/v1/tenants/{tenant}/{suffix}} and prints the answer; returns the exit code. */
    final int admin(String method, String suffix, Object body, int expected) throws IOException, InterruptedException {
        return AdminClient.call(
                spec,
                parent.config().load(),
                url.url,
                tenant,
                method,
                "/admin/v1/tenants/" + AdminClient.segment(tenant) + "/" + suffix,
                body,
                expected);
    }

    /** Sends {@code GET /admin/v1/tenants/{tenant}/{suffix}} without printing the answer (a command that pages). */
    final AdminClient.Answer fetch(String suffix) throws IOException, InterruptedException {
        return AdminClient.send(
                spec,
                parent.config().load(),
                url.url,
                tenant,
                "GET",
                "/admin/v1/tenants/" + AdminClient.segment(tenant) + "/" + suffix,
                null,
                200);
    }

    /** A line on standard error, after a successful call. */
    final void note(String message) {
        spec.commandLine().getErr().println(message);
    }
}
