package io.sessiongateway.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Stacks the three layers of configuration: {@code reference.conf} (defaults), a config file, the environment.
 *
 * <p>{@code reference.conf} binds each key to its variable with a {@code key = ${?GATEWAY_…}} line, so HOCON's own
 * substitution reads the environment. Merged as they stand, a key the file sets would hide that substitution, and
 * the file would win over the environment; so the values the substitutions take from the environment are lifted
 * into a layer of their own above the file. Substitutions are resolved against the environment map given, never
 * the process environment directly (tests pass a map), and the map also serves a config file's own
 * {@code ${?VAR}} substitutions.
 */
final class ConfigLayers {
    /** The origin description of a value taken from the environment: this, then the variable's name. */
    private static final String ENVIRONMENT = "environment variable ";
    /** What a substitution that can be an environment variable looks like (no dots: dotted ones are config paths). */
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ConfigLayers() {}

    /** The three layers merged and resolved; the raw {@code Config} that {@link GatewayConfig} reads by name. */
    static Config load(Path file, Map<String, String> env) {
        Config reference = reference();
        Config fromFile = file == null
                ? ConfigFactory.empty()
                : ConfigFactory.parseFile(
                        file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        ConfigResolveOptions withEnv = options(env);
        Config defaults = reference.resolve(options(Map.of()));
        return fromEnvironment(reference.resolve(withEnv), defaults)
                .withFallback(fromFile)
                .withFallback(reference)
                .resolve(withEnv);
    }

    /**
     * Every environment variable {@code reference.conf} binds, with the key it sets (aliases included, so two
     * variables may set one key), in name order.
     */
    static Map<String, String> variables() {
        Config reference = reference();
        Set<String> names = new LinkedHashSet<>();
        reference.resolve(ConfigResolveOptions.noSystem().appendResolver(new Resolver(name -> {
            names.add(name);
            return null;
        })));
        Map<String, String> variables = new TreeMap<>();
        for (String name : names) {
            Config one = reference.resolve(options(Map.of(name, "")));
            for (Map.Entry<String, ConfigValue> e : one.entrySet()) {
                if (e.getValue().origin().description().equals(ENVIRONMENT + name)
                        && variables.put(name, e.getKey()) != null) {
                    throw new IllegalStateException(name + " is bound to two keys in reference.conf");
                }
            }
        }
        return Collections.unmodifiableMap(variables);
    }

    private static Config reference() {
        return ConfigFactory.defaultReferenceUnresolved(ConfigLayers.class.getClassLoader());
    }

    /**
     * The values that came from the environment, at their keys. A variable of a key whose default is a list holds a
     * comma-separated list.
     */
    private static Config fromEnvironment(Config resolved, Config defaults) {
        Config layer = ConfigFactory.empty();
        for (Map.Entry<String, ConfigValue> e : resolved.entrySet()) {
            ConfigValue value = e.getValue();
            if (!value.origin().description().startsWith(ENVIRONMENT)) {
                continue;
            }
            Object unwrapped = value.unwrapped();
            if (defaults.getValue(e.getKey()).valueType() == ConfigValueType.LIST
                    && value.valueType() == ConfigValueType.STRING) {
                unwrapped = Arrays.stream(((String) unwrapped).split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList();
            }
            layer = layer.withValue(
                    e.getKey(),
                    ConfigValueFactory.fromAnyRef(unwrapped, value.origin().description()));
        }
        return layer;
    }

    /** Substitutions that name no key are looked up in {@code env} (and nowhere else). */
    private static ConfigResolveOptions options(Map<String, String> env) {
        return ConfigResolveOptions.noSystem().appendResolver(new Resolver(name -> {
            String value = env.get(name);
            return value == null ? null : ConfigValueFactory.fromAnyRef(value, ENVIRONMENT + name);
        }));
    }

    /** Answers substitutions that look like environment variables; {@code lookup} returns null when undefined. */
    private record Resolver(Function<String, ConfigValue> lookup) implements ConfigResolver {
        @Override
        public ConfigValue lookup(String path) {
            return VARIABLE.matcher(path).matches() ? lookup.apply(path) : null;
        }

        @Override
        public ConfigResolver withFallback(ConfigResolver fallback) {
            return new ConfigResolver() {
                @Override
                public ConfigValue lookup(String path) {
                    ConfigValue value = Resolver.this.lookup(path);
                    return value != null ? value : fallback.lookup(path);
                }

                @Override
                public ConfigResolver withFallback(ConfigResolver next) {
                    return Resolver.this.withFallback(fallback.withFallback(next));
                }
            };
        }
    }
}
