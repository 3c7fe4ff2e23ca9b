package io.sessiongateway.core.store;

import static io.sessiongateway.core.store.jooq.Tables.TEAM;
import static io.sessiongateway.core.store.jooq.Tables.TENANT;

import io.sessiongateway.core.model.Tenant;
import io.sessiongateway.core.store.SessionStore.TeamInTenant;
import io.sessiongateway.core.store.jooq.tables.Team;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * A team by ObjectId with its tenant (and the tenant's default team) in one statement, rendered once: the Agentcloud
 * list and every Agentcloud write resolve their path's team this way, where they took five statements (team, the
 * tenant's name, the tenant joined to its default team; twice over when the credentials check ran first), each
 * rendered by jOOQ per request.
 */
final class TeamLookup {
    private static final Team DEFAULT_TEAM = TEAM.as("default_team");

    private final DataSource dataSource;
    private final String sql;

    TeamLookup(DSLContext dsl, DataSource dataSource) {
        this.dataSource = dataSource;
        this.sql = dsl.render(dsl.select(
                        TEAM.ID,
                        TEAM.TENANT_ID,
                        TEAM.OBJECT_ID,
                        TEAM.NAME,
                        TEAM.IS_DEFAULT,
                        TEAM.CREATED_AT,
                        TENANT.NAME,
                        TENANT.OBJECT_ID,
                        TENANT.CREATED_AT,
                        DEFAULT_TEAM.ID,
                        DEFAULT_TEAM.OBJECT_ID)
                .from(TEAM)
                .join(TENANT)
                .on(TENANT.ID.eq(TEAM.TENANT_ID))
                .join(DEFAULT_TEAM)
                .on(DEFAULT_TEAM.TENANT_ID.eq(TENANT.ID).and(DEFAULT_TEAM.IS_DEFAULT.isTrue()))
                .where(TEAM.OBJECT_ID.eq(DSL.param("k", TEAM.OBJECT_ID))));
    }

    Optional<TeamInTenant> find(String objectId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, objectId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                UUID tenantId = rs.getObject(2, UUID.class);
                io.sessiongateway.core.model.Team team = new io.sessiongateway.core.model.Team(
                        rs.getObject(1, UUID.class),
                        tenantId,
                        rs.getString(3),
                        rs.getString(4),
                        rs.getBoolean(5),
                        rs.getObject(6, OffsetDateTime.class).toInstant());
                Tenant tenant = new Tenant(
                        tenantId,
                        rs.getString(7),
                        rs.getString(8),
                        rs.getObject(10, UUID.class),
                        rs.getString(11),
                        rs.getObject(9, OffsetDateTime.class).toInstant());
                return Optional.of(new TeamInTenant(team, tenant));
            }
        } catch (SQLException e) {
            throw new DataAccessException("SQL [" + sql + "]; " + e.getMessage(), e);
        }
    }
}
