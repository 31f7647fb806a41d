package io.shmtel.config;

import com.google.inject.AbstractModule;
import io.shmtel.sensors.BuiltInDrivers;
import io.shmtel.sensors.DriverFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Registers the driver types and actions of every {@link ShmtelExtension} a class loader finds
 * ({@code META-INF/services/io.shmtel.config.ShmtelExtension}). The extensions are loaded and
 * checked when this module is made, so a broken one is reported by name, not as a Guice error.
 */
final class ExtensionsModule extends AbstractModule {
    static final String SERVICE_FILE = "META-INF/services/" + ShmtelExtension.class.getName();

    private final List<DriverFactory> driverTypes;
    private final Map<String, SubscriberAction> actions;

    private ExtensionsModule(List<DriverFactory> driverTypes, Map<String, SubscriberAction> actions) {
        this.driverTypes = driverTypes;
        this.actions = actions;
    }

    /** The extensions {@code loader} finds; null: the context class loader (else this class's). */
    static ExtensionsModule load(ClassLoader loader) {
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        if (loader == null) {
            loader = ExtensionsModule.class.getClassLoader();
        }
        Map<String, String> typeOwners = new LinkedHashMap<>();
        for (DriverFactory f : BuiltInDrivers.all()) {
            typeOwners.put(f.type(), "built in");
        }
        Map<String, String> actionOwners = new LinkedHashMap<>();
        for (String a : DeploymentParser.ACTIONS) {
            actionOwners.put(a, "built in");
        }
        List<DriverFactory> types = new ArrayList<>();
        Map<String, SubscriberAction> actions = new LinkedHashMap<>();
        Iterator<ShmtelExtension> it = ServiceLoader.load(ShmtelExtension.class, loader).iterator();
        while (true) {
            ShmtelExtension ext;
            try {
                if (!it.hasNext()) {
                    break;
                }
                ext = it.next();
            } catch (ServiceConfigurationError e) {
                throw new ExtensionException("cannot load a driver extension: " + e.getMessage()
                        + (e.getCause() == null ? "" : ": " + e.getCause()) + "; " + SERVICE_FILE
                        + " must name public classes implementing " + ShmtelExtension.class.getName()
                        + " with a public no-argument constructor", e);
            }
            String from = ext.getClass().getName();
            List<DriverFactory> extTypes;
            Map<String, SubscriberAction> extActions;
            try {
                extTypes = List.copyOf(ext.driverTypes());
                extActions = Map.copyOf(ext.actions());
            } catch (RuntimeException | LinkageError e) {
                throw new ExtensionException("driver extension " + from + " failed: " + e, e);
            }
            for (DriverFactory f : extTypes) {
                claim("driver type", f.type(), from, typeOwners);
                types.add(f);
            }
            for (Map.Entry<String, SubscriberAction> a : extActions.entrySet()) {
                claim("action", a.getKey(), from, actionOwners);
                actions.put(a.getKey(), a.getValue());
            }
        }
        return new ExtensionsModule(List.copyOf(types), actions);
    }

    private static void claim(String what, String name, String from, Map<String, String> owners) {
        String owner = owners.putIfAbsent(name, from);
        if (owner != null) {
            throw new ExtensionException("driver extension " + from + ": " + what + " \"" + name + "\" is taken ("
                    + (owner.equals("built in") ? "built in" : "by " + owner) + "); give it another name", null);
        }
    }

    List<DriverFactory> driverTypes() {
        return driverTypes;
    }

    Map<String, SubscriberAction> actions() {
        return actions;
    }

    @Override
    protected void configure() {
        ShmtelBindings.driverTypes(binder());
        ShmtelBindings.actions(binder());
        driverTypes.forEach(f -> ShmtelBindings.registerDriver(binder(), f));
        actions.forEach((name, action) -> ShmtelBindings.registerAction(binder(), name, action));
    }
}
