package io.shmtel.config;

import com.google.inject.Binder;
import com.google.inject.multibindings.MapBinder;
import io.shmtel.sensors.DriverFactory;

/** How user modules extend shmtel: their own driver types and subscriber actions, by name. */
public final class ShmtelBindings {
    private ShmtelBindings() {}

    public static MapBinder<String, DriverFactory> driverTypes(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, DriverFactory.class);
    }

    public static MapBinder<String, SubscriberAction> actions(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, SubscriberAction.class);
    }

    /** Makes driver type {@code factory.type()} usable in deployment files. */
    public static void registerDriver(Binder binder, DriverFactory factory) {
        driverTypes(binder).addBinding(factory.type()).toInstance(factory);
    }

    /** Makes subscriber action {@code name} usable in deployment files. */
    public static void registerAction(Binder binder, String name, SubscriberAction action) {
        actions(binder).addBinding(name).toInstance(action);
    }
}
