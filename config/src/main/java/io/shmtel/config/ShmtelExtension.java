package io.shmtel.config;

import io.shmtel.sensors.DriverFactory;
import java.util.List;
import java.util.Map;

/**
 * Driver types and subscriber actions of a jar of your own, found without any code of yours
 * running first: implement this interface (a public class with a public no-argument constructor)
 * and name the class in the jar's {@code META-INF/services/io.shmtel.config.ShmtelExtension}.
 * {@code shmtel run --classpath my-drivers.jar deploy.json} (and {@code --check}) then accepts the
 * types and actions in the file; {@link Shmtel#load} and {@link Shmtel#run} find the extensions of
 * the context class loader (the application's classpath) the same way. A Guice module that calls
 * {@link ShmtelBindings#registerDriver} is the other way in, for programs that start shmtel themselves.
 *
 * <p>A name must be new: an extension's type or action named like a built-in one, or like another
 * extension's, is refused with both names.
 */
public interface ShmtelExtension {
    /** Driver types usable as a driver's {@code "type"}. */
    default List<DriverFactory> driverTypes() {
        return List.of();
    }

    /** Subscriber actions by name, usable as a subscriber's {@code "action": { "type": NAME }}. */
    default Map<String, SubscriberAction> actions() {
        return Map.of();
    }
}
