package io.mgw.server.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A read-only view of one YAML node that remembers its path ("accounts[0].window") and line, so every error names
 * both. Typed getters apply defaults and validation; {@link #rejectUnknown} catches misspelt keys.
 */
final class ConfigNode {

    private final Node node;
    private final String path;
    private final Map<String, String> env;

    ConfigNode(Node node, String path, Map<String, String> env) {
        this.node = node;
        this.path = path;
        this.env = env;
    }

    String path() {
        return path;
    }

    int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    ConfigException error(String message) {
        return new ConfigException(path + (node != null ? " (line " + line() + ")" : "") + ": " + message);
    }

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The child mapping node; an absent key gives an empty node (all defaults). */
    ConfigNode child(String key) {
        return new ConfigNode(rawChild(key), childPath(key), env);
    }

    boolean has(String key) {
        return rawChild(key) != null || envValue(childPath(key)).isPresent();
    }

    private Node rawChild(String key) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof MappingNode m)) {
            throw error("expected a mapping");
        }
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    /** Fails on keys not in {@code known}: a misspelt key must not be silently ignored. */
    void rejectUnknown(Set<String> known) {
        if (node == null) {
            return;
        }
        if (!(node instanceof MappingNode m)) {
            throw error("expected a mapping");
        }
        Set<String> seen = new java.util.HashSet<>();
        for (NodeTuple t : m.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            if (!seen.add(k)) {
                throw new ConfigException(childPath(k) + " (line " + (t.getKeyNode().getStartMark().getLine() + 1)
                        + "): duplicate key");
            }
            if (!known.contains(k)) {
                throw new ConfigException(childPath(k) + " (line " + (t.getKeyNode().getStartMark().getLine() + 1)
                        + "): unknown key (expected one of " + known + ")");
            }
        }
    }

    List<ConfigNode> list(String key) {
        Node n = rawChild(key);
        String p = childPath(key);
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof SequenceNode s)) {
            throw new ConfigNode(n, p, env).error("expected a list");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < s.getValue().size(); i++) {
            out.add(new ConfigNode(s.getValue().get(i), p + "[" + i + "]", env));
        }
        return out;
    }

    List<String> stringList(String key) {
        List<String> out = new ArrayList<>();
        for (ConfigNode c : list(key)) {
            out.add(c.scalar().orElseThrow(() -> c.error("expected a value")));
        }
        return out;
    }

    /** A mapping of scalar values, e.g. connector settings. */
    Map<String, String> stringMap(String key) {
        ConfigNode c = child(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (c.node == null) {
            return out;
        }
        if (!(c.node instanceof MappingNode m)) {
            throw c.error("expected a mapping");
        }
        for (NodeTuple t : m.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            ConfigNode v = new ConfigNode(t.getValueNode(), c.path + "." + k, env);
            out.put(k, v.scalar().orElseThrow(() -> v.error("expected a value")));
        }
        return out;
    }

    Optional<String> scalar() {
        Optional<String> fromEnv = envValue(path);
        if (fromEnv.isPresent()) {
            return fromEnv;
        }
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode s)) {
            throw error("expected a value");
        }
        String v = s.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") ? Optional.empty() : Optional.of(v);
    }

    /** Environment override: MGW_ + path upper-cased with '.' as '_' (lists are not overridable). */
    private Optional<String> envValue(String p) {
        if (p.contains("[")) {
            return Optional.empty();
        }
        String name = "MGW_" + p.replace('.', '_').toUpperCase(java.util.Locale.ROOT);
        return Optional.ofNullable(env.get(name));
    }

    Optional<String> string(String key) {
        return child(key).scalar();
    }

    String string(String key, String def) {
        return string(key).orElse(def);
    }

    String requiredString(String key) {
        ConfigNode c = child(key);
        return c.scalar().orElseThrow(() -> c.path.isEmpty() ? error("missing") : missing(key));
    }

    private ConfigException missing(String key) {
        return new ConfigException(childPath(key) + (node != null ? " (in the block at line " + line() + ")" : "")
                + ": missing (required)");
    }

    int integer(String key, int def, int min, int max) {
        return (int) longValue(key, def, min, max);
    }

    long longValue(String key, long def, long min, long max) {
        ConfigNode c = child(key);
        return c.scalar().map(v -> {
            long i;
            try {
                i = Long.parseLong(v.strip().replace("_", ""));
            } catch (NumberFormatException e) {
                throw c.error("'" + v + "' (expected: an integer)");
            }
            if (i < min || i > max) {
                throw c.error(i + " (expected: " + min + ".." + max + ")");
            }
            return i;
        }).orElse(def);
    }

    double decimal(String key, double def, double min, double max) {
        ConfigNode c = child(key);
        return c.scalar().map(v -> {
            double d;
            try {
                d = Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw c.error("'" + v + "' (expected: a number)");
            }
            if (d < min || d > max) {
                throw c.error(d + " (expected: " + min + ".." + max + ")");
            }
            return d;
        }).orElse(def);
    }

    boolean bool(String key, boolean def) {
        ConfigNode c = child(key);
        return c.scalar().map(v -> switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw c.error("'" + v + "' (expected: true or false)");
        }).orElse(def);
    }

    /** A duration such as "48h", "30s", "500ms", "2d", or ISO-8601 "PT1H". */
    java.time.Duration duration(String key, java.time.Duration def) {
        ConfigNode c = child(key);
        return c.scalar().map(v -> parseDuration(c, v.strip())).orElse(def);
    }

    /**
     * A duration as {@link #duration(String, java.time.Duration)}, within {@code [min, max]}; the error names the
     * bounds as a config file writes them (e.g. "1s..1h").
     */
    java.time.Duration duration(String key, java.time.Duration def, java.time.Duration min, java.time.Duration max) {
        ConfigNode c = child(key);
        return c.scalar().map(v -> {
            java.time.Duration d = parseDuration(c, v.strip());
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw c.error("'" + v.strip() + "' (expected: " + shortForm(min) + ".." + shortForm(max) + ")");
            }
            return d;
        }).orElse(def);
    }

    /** The duration in the largest unit that divides it ("7d", "90m"), as a config file writes it. */
    static String shortForm(java.time.Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return d.toDays() + "d";
        } else if (ms % 3_600_000 == 0) {
            return d.toHours() + "h";
        } else if (ms % 60_000 == 0) {
            return d.toMinutes() + "m";
        } else if (ms % 1_000 == 0) {
            return d.toSeconds() + "s";
        }
        return ms + "ms";
    }

    private static java.time.Duration parseDuration(ConfigNode c, String v) {
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return java.time.Duration.parse(v);
            }
            var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)").matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> java.time.Duration.ofMillis(n);
                    case "s" -> java.time.Duration.ofSeconds(n);
                    case "m" -> java.time.Duration.ofMinutes(n);
                    case "h" -> java.time.Duration.ofHours(n);
                    default -> java.time.Duration.ofDays(n);
                };
            }
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw c.error("'" + v + "' (expected: a duration such as 500ms, 30s, 5m, 48h, 2d)");
    }

    <T> T map(Function<ConfigNode, T> f) {
        return f.apply(this);
    }
}
