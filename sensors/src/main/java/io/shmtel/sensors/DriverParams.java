package io.shmtel.sensors;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters given to one driver (from a deployment file or code), checked against the
 * {@link DriverParameter}s its type declares: unknown names and wrong kinds are refused with the
 * parameter's name and the accepted ones.
 */
public final class DriverParams {
    private final String type;
    private final Map<String, DriverParameter> declared = new HashMap<>();
    private final Map<String, Object> values;

    public DriverParams(String type, List<DriverParameter> parameters, Map<String, Object> values) {
        this.type = type;
        for (DriverParameter p : parameters) {
            declared.put(p.name(), p);
        }
        for (String name : values.keySet()) {
            if (!declared.containsKey(name)) {
                throw new IllegalArgumentException("driver type \"" + type + "\" has no parameter \"" + name
                        + "\"; its parameters: " + parameters.stream().map(DriverParameter::name).toList());
            }
        }
        this.values = Map.copyOf(values);
    }

    public static DriverParams none(String type, List<DriverParameter> parameters) {
        return new DriverParams(type, parameters, Map.of());
    }

    public long integer(String name) {
        Object v = value(name, DriverParameter.Kind.INTEGER);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw kind(name, "an integer", v);
    }

    public double number(String name) {
        Object v = value(name, DriverParameter.Kind.NUMBER);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw kind(name, "a number", v);
    }

    public String text(String name) {
        Object v = value(name, DriverParameter.Kind.TEXT);
        if (v instanceof String s) {
            return s;
        }
        throw kind(name, "text", v);
    }

    public Path path(String name) {
        Object v = value(name, DriverParameter.Kind.PATH);
        if (v instanceof String s) {
            return Path.of(s);
        }
        throw kind(name, "a path", v);
    }

    /** A {@link DriverParameter.Kind#LIST} parameter: its items as plain values; the empty list when absent. */
    public List<?> list(String name) {
        Object v = value(name, DriverParameter.Kind.LIST);
        if (v instanceof List<?> l) {
            return l;
        }
        throw kind(name, "a JSON array", v);
    }

    private Object value(String name, DriverParameter.Kind kind) {
        DriverParameter p = declared.get(name);
        if (p == null || p.kind() != kind) {
            throw new IllegalStateException("driver type \"" + type + "\" reads undeclared parameter " + name);
        }
        Object v = values.get(name);
        if (v != null) {
            return v;
        }
        return switch (kind) {
            case INTEGER -> Long.parseLong(p.defaultValue());
            case NUMBER -> Double.parseDouble(p.defaultValue());
            case TEXT, PATH -> p.defaultValue();
            case LIST -> List.of();
        };
    }

    private IllegalArgumentException kind(String name, String expected, Object found) {
        return new IllegalArgumentException("parameter \"" + name + "\" of driver type \"" + type + "\" must be "
                + expected + "; found " + found);
    }
}
