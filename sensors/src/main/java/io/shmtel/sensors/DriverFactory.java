package io.shmtel.sensors;

import java.util.List;
import java.util.function.Function;

/**
 * Makes drivers of one type from parameters. Built-in types are listed by {@link BuiltInDrivers};
 * users add their own (in the config module, through a Guice MapBinder).
 */
public interface DriverFactory {

    /** The type name used in deployment files, e.g. {@code sim-imu}. */
    String type();

    /** What the type does, one line. */
    String description();

    /** The parameters it accepts. */
    List<DriverParameter> parameters();

    /** A new driver; {@code params} have been checked against {@link #parameters()}. */
    SensorDriver<?> create(DriverParams params);

    /** A factory from its parts: what most driver types need. */
    static DriverFactory of(String type, String description, List<DriverParameter> parameters,
            Function<DriverParams, SensorDriver<?>> creator) {
        return new Simple(type, description, List.copyOf(parameters), creator);
    }

    /** The factory {@link #of} makes. */
    record Simple(String type, String description, List<DriverParameter> parameters,
            Function<DriverParams, SensorDriver<?>> creator) implements DriverFactory {
        @Override
        public SensorDriver<?> create(DriverParams params) {
            return creator.apply(params);
        }
    }
}
