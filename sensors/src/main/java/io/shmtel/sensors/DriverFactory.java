package io.shmtel.sensors;

import java.util.List;

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
}
