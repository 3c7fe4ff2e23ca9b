package io.sessiongateway.server.testing.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of an OpenAPI document together with its JSON pointer (as unescaped segments), so a schema found while
 * walking the document can be compiled at its own location and its local {@code $ref}s still resolve.
 *
 * @param node the node
 * @param pointer the segments from the document's root to the node
 */
public record Located(JsonNode node, List<String> pointer) {

    /**
     * The named child of this node.
     *
     * @param name a property name
     * @return the child with its pointer, or null if there is none
     */
    public Located child(String name) {
        JsonNode child = node.get(name);
        if (child == null) {
            return null;
        }
        List<String> path = new ArrayList<>(pointer);
        path.add(name);
        return new Located(child, List.copyOf(path));
    }
}
