package io.shmtel.sensors;

import io.shmtel.sensors.kinematics.KinematicsDriver;
import io.shmtel.sensors.linux.CpuLoadDriver;
import io.shmtel.sensors.linux.IioImuDriver;
import io.shmtel.sensors.linux.MemoryDriver;
import io.shmtel.sensors.linux.ThermalDriver;
import io.shmtel.sensors.sim.SimulatedArmDriver;
import io.shmtel.sensors.sim.SimulatedForceTorqueDriver;
import io.shmtel.sensors.sim.SimulatedImuDriver;
import io.shmtel.sensors.sim.SimulatedStatusDriver;
import java.util.List;

/** The driver types shmtel ships. */
public final class BuiltInDrivers {
    private BuiltInDrivers() {}

    public static List<DriverFactory> all() {
        return List.of(SimulatedArmDriver.factory(), SimulatedImuDriver.factory(), SimulatedForceTorqueDriver.factory(),
                SimulatedStatusDriver.factory(), CpuLoadDriver.factory(), MemoryDriver.factory(),
                        ThermalDriver.factory(),
                IioImuDriver.factory(), KinematicsDriver.factory());
    }
}
