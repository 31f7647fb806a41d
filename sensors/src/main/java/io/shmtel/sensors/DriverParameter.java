package io.shmtel.sensors;

/** One parameter a driver type accepts: its name, kind, default (as text; empty: none) and meaning. */
public record DriverParameter(String name, Kind kind, String defaultValue, String description) {

    /** What values the parameter takes. */
    public enum Kind {
        INTEGER, NUMBER, TEXT, PATH
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

    public static DriverParameter path(String name, String defaultValue, String description) {
        return new DriverParameter(name, Kind.PATH, defaultValue, description);
    }
}
