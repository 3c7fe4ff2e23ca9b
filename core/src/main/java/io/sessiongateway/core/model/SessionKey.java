package io.sessiongateway.core.model;

import java.util.Objects;
import java.util.UUID;

/**
 * How a request names one session, and the scope it names it in. Each dialect addresses sessions its own way; the
 * lifecycle operations resolve every form to the one canonical row, and a session outside the scope, or deleted, is
 * one that does not exist.
 *
 * @param form which id {@code value} is
 * @param scope the tenant name ({@link Form#PUBLIC_ID}, {@link Form#ID}, {@link Form#ANY_ID}; null for
 *     {@link Form#ANY_ID} means every tenant) or the team ObjectId ({@link Form#OBJECT_ID})
 * @param value the id as the client sent it
 */
public record SessionKey(Form form, String scope, String value) {

    /** The forms of session ids. */
    public enum Form {
        /** The public id, within a tenant. */
        PUBLIC_ID,
        /** The canonical id (or its {@code session_<hex>} form), within a tenant. */
        ID,
        /** The ObjectId, within a team. */
        OBJECT_ID,
        /** Any of the three (the admin API), within a tenant or, with a null scope, in any tenant. */
        ANY_ID
    }

    public SessionKey {
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(value, "value");
    }

    public static SessionKey publicId(String tenantName, String publicId) {
        return new SessionKey(Form.PUBLIC_ID, Objects.requireNonNull(tenantName, "tenantName"), publicId);
    }

    public static SessionKey id(String tenantName, UUID id) {
        return new SessionKey(Form.ID, Objects.requireNonNull(tenantName, "tenantName"), id.toString());
    }

    public static SessionKey objectId(String teamObjectId, String objectId) {
        return new SessionKey(Form.OBJECT_ID, Objects.requireNonNull(teamObjectId, "teamObjectId"), objectId);
    }

    /** Any id form; {@code tenantName} null searches every tenant (operator tokens). */
    public static SessionKey anyId(String tenantName, String id) {
        return new SessionKey(Form.ANY_ID, tenantName, id);
    }
}
