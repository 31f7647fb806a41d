package io.shmtel.config;

import com.google.inject.AbstractModule;
import io.shmtel.sensors.BuiltInDrivers;
import io.shmtel.sensors.DriverFactory;

/** Registers shmtel's built-in driver types (and declares the action map users add to). */
public final class BuiltInDriversModule extends AbstractModule {
    @Override
    protected void configure() {
        for (DriverFactory factory : BuiltInDrivers.all()) {
            ShmtelBindings.registerDriver(binder(), factory);
        }
        ShmtelBindings.actions(binder());
    }
}
