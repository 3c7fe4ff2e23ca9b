package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether and where a dialect is mounted, and the keys of its own: {@code gateway.dialects.<name>.*}.
 *
 * @param enabled whether the dialect is served
 * @param prefix the path prefix it is mounted under: empty, or like {@code /tf}
 * @param options every other key of the dialect (its own settings, e.g. {@code version}), as text
 */
public record DialectSettings(boolean enabled, String prefix, Map<String, String> options) {
    public DialectSettings {
        options = Map.copyOf(options);
    }

    /** The vendor API version served ({@code gateway.dialects.<name>.version}; {@code seed} unless set). */
    public String version() {
        return options.getOrDefault("version", "seed");
    }

    /** The value of one of the dialect's own keys ({@code gateway.dialects.<name>.<key>}), if it has that key. */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** Reads {@code gateway.dialects.<name>}; IllegalArgumentException names the offending key. */
    static DialectSettings from(String name, Config d) {
        String prefix = d.getString("prefix").strip();
        if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("{"))) {
            throw new IllegalArgumentException("dialects." + name + ".prefix must be empty or like /path: " + prefix);
        }
        Map<String, String> options = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : d.root().entrySet()) {
            String key = e.getKey();
            if (key.equals("enabled") || key.equals("prefix")) {
                continue;
            }
            ConfigValueType type = e.getValue().valueType();
            if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST) {
                throw new IllegalArgumentException("dialects." + name + "." + key + " must be a single value");
            }
            options.put(key, d.getString(ConfigUtil.joinPath(key)));
        }
        return new DialectSettings(d.getBoolean("enabled"), prefix, options);
    }
}
