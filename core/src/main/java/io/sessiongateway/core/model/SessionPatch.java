package io.sessiongateway.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A lifecycle change to a session, read by name; built with {@link #builder()}. A null component leaves its field
 * as it is; a {@link SessionChange.Value} holding null clears the field. Only the named columns are written, so two
 * patches of different fields both survive.
 *
 * @param title the new title (a dialect that refuses null validates before it gets here)
 * @param tags the new tags, replacing the old ones
 * @param locale the new BCP 47 tag (validated by the adapter)
 * @param variables the new variables, replacing the old ones
 * @param status a status write, applied as docs/lifecycle.md section 3 says
 * @param linesAdded diff statistics
 * @param linesRemoved diff statistics
 */
public record SessionPatch(
        SessionChange.Value<String> title,
        SessionChange.Value<List<String>> tags,
        SessionChange.Value<String> locale,
        SessionChange.Value<JsonNode> variables,
        StatusWrite status,
        SessionChange.Value<Integer> linesAdded,
        SessionChange.Value<Integer> linesRemoved) {

    /**
     * The status writes a patch can ask for, with their transitions (docs/lifecycle.md section 3). Each also sets
     * the lifecycle fields the table names.
     */
    public enum StatusWrite {
        /**
         * Any state to {@code archived}; the lifecycle state becomes {@code archived}, its error, run id and the
         * sandbox's expiry and hibernation time are cleared, the lifecycle version goes up by one.
         */
        ARCHIVE,
        /**
         * Back to work: {@code archived} becomes {@code waiting} if the session ever started, else {@code created}
         * (lifecycle state and error cleared, version + 1); {@code completed}, {@code failed}, {@code cancelled}
         * become {@code waiting}; {@code created}, {@code running}, {@code waiting} stay as they are.
         */
        REOPEN,
        /** Any state to {@code completed}; {@code finished_at} set if unset. */
        COMPLETE,
        /** Any state to {@code failed}; {@code finished_at} set if unset. */
        FAIL
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the patch names no field: applying it changes nothing, {@code updated_at} included. */
    public boolean isEmpty() {
        return title == null
                && tags == null
                && locale == null
                && variables == null
                && status == null
                && linesAdded == null
                && linesRemoved == null;
    }

    /** The names of the fields the patch sets other than the status, as {@code session.updated} lists them. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        if (title != null) {
            names.add("title");
        }
        if (tags != null) {
            names.add("tags");
        }
        if (locale != null) {
            names.add("locale");
        }
        if (variables != null) {
            names.add("variables");
        }
        if (linesAdded != null) {
            names.add("lines_added");
        }
        if (linesRemoved != null) {
            names.add("lines_removed");
        }
        return names;
    }

    /** Builds a {@link SessionPatch} by naming the fields to change. */
    public static final class Builder {
        private SessionChange.Value<String> title;
        private SessionChange.Value<List<String>> tags;
        private SessionChange.Value<String> locale;
        private SessionChange.Value<JsonNode> variables;
        private StatusWrite status;
        private SessionChange.Value<Integer> linesAdded;
        private SessionChange.Value<Integer> linesRemoved;

        private Builder() {}

        public Builder title(String value) {
            this.title = new SessionChange.Value<>(value);
            return this;
        }

        public Builder tags(List<String> value) {
            this.tags = new SessionChange.Value<>(value == null ? null : List.copyOf(value));
            return this;
        }

        public Builder locale(String value) {
            this.locale = new SessionChange.Value<>(value);
            return this;
        }

        public Builder variables(JsonNode value) {
            this.variables = new SessionChange.Value<>(value);
            return this;
        }

        public Builder status(StatusWrite value) {
            this.status = value;
            return this;
        }

        public Builder linesAdded(Integer value) {
            this.linesAdded = new SessionChange.Value<>(value);
            return this;
        }

        public Builder linesRemoved(Integer value) {
            this.linesRemoved = new SessionChange.Value<>(value);
            return this;
        }

        public SessionPatch build() {
            return new SessionPatch(title, tags, locale, variables, status, linesAdded, linesRemoved);
        }
    }
}
