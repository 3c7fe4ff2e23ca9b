package io.sessiongateway.server.http;

import io.sessiongateway.adapters.spi.Dialect;

/**
 * A dialect as the server serves it: under a prefix ({@code ""} = the vendor's own paths). Routing, resources,
 * metrics labels and the error envelope of a path all start from the list of these.
 */
public record Mounted(String prefix, Dialect dialect) {}
