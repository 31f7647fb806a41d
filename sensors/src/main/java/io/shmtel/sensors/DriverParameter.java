package io.shmtel.sensors;

/** One parameter a driver type accepts: its name, kind, default (as text; empty: none) and meaning. */
public record DriverParameter(String name, Kind kind, String defaultValue, String description) {

    /**
     * What values the parameter takes. A {@code LIST} is a JSON array, handed to the driver as a {@link java.util.List}
     * of plain values: {@link Double} (numbers), {@link String}, {@link Boolean}, {@link java.util.List} (arrays) and
     * {@link java.util.Map} (objects, in written order); its default is always the empty list.
     */
    public enum Kind {
        INTEGER, NUMBER, TEXT, PATH, LIST
    }

    public static DriverParameter integer(String name, long defaultValue, String description) {
        return new DriverParameter(name, Kind.INTEGER, Long.toString(defaultValue), description);
    }

    public static DriverParameter number(String name, double defaultValue, String description) {
        return new DriverParameter(name, Kind.NUMBER, Double.toString(defaultValue), description);
    }

    public static DriverParameter text(String name, String defaultValue, String description) {
        return new DriverParameter(name, Kind.TEXT, defaultValue, description);
    }

    /** A JSON array parameter ({@link Kind#LIST}); absent, it is the empty list. */
    public static DriverParameter list(String name, String description) {
        return new DriverParameter(name, Kind.LIST, "", description);
    }

    public static DriverParameter path(String name, String defaultValue, String description) {
        return new DriverParameter(name, Kind.PATH, defaultValue, description);
    }
}
