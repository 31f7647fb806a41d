package io.shmtel.config;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import io.shmtel.sensors.DriverFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a deployment file in this process:
 *
 * <pre>{@code
 * try (Shmtel.Running running = Shmtel.run(Path.of("deploy.json"), null, new MyDriversModule())) {
 *     Subscriber arm = running.injector().getInstance(Key.get(Subscriber.class, Names.named("arm-log")));
 *     ...
 * }
 * }</pre>
 *
 * User modules may register driver types and actions ({@link ShmtelBindings}), and so may the
 * {@link ShmtelExtension}s a class loader finds (by default the context class loader: the
 * application's classpath); the file is validated against them, then a child injector binds the
 * deployment ({@link DeploymentModule}).
 */
public final class Shmtel {
    private Shmtel() {}

    /** A started deployment; closing it stops every driver and subscriber. */
    public record Running(Injector injector, Deployment deployment, DeploymentRunner runner) implements AutoCloseable {
        @Override
        public void close() {
            runner.close();
        }
    }

    /**
     * Parses and validates {@code file} against the built-in driver types and actions, the user
     * modules' and those of the extensions on the context class loader.
     */
    public static Deployment load(Path file, Module... userModules) {
        return load(file, (ClassLoader) null, userModules);
    }

    /**
     * As {@link #load(Path, Module...)}, with the {@link ShmtelExtension}s {@code extensions} finds (null: the context
     * class loader's).
     */
    public static Deployment load(Path file, ClassLoader extensions, Module... userModules) {
        return load(file, parent(extensions, userModules));
    }

    private static Deployment load(Path file, Injector parent) {
        Map<String, DriverFactory> types = parent.getInstance(Key.get(new TypeLiteral<Map<String,
                DriverFactory>>() { }));
        Map<String, SubscriberAction> actions = parent.getInstance(
                Key.get(new TypeLiteral<Map<String, SubscriberAction>>() { }));
        return DeploymentParser.parse(file, types, actions.keySet());
    }

    private static Injector parent(ClassLoader extensions, Module... userModules) {
        List<Module> modules = new ArrayList<>(List.of(userModules));
        modules.add(new BuiltInDriversModule());
        modules.add(ExtensionsModule.load(extensions));
        // No method interception is used here, so Guice needs no generated classes: without this its class
        // definer reaches sun.misc.Unsafe, which JDK 24+ warns about on stderr. A user's own setting wins.
        if (System.getProperty("guice_bytecode_gen_option") == null) {
            System.setProperty("guice_bytecode_gen_option", "DISABLED");
        }
        return Guice.createInjector(modules);
    }

    /** Validates {@code file}, wires it and starts the nodes ({@code onlyNode}: one of them; null: all). */
    public static Running run(Path file, String onlyNode, Module... userModules) {
        return run(file, onlyNode, null, userModules);
    }

    /**
     * As {@link #run(Path, String, Module...)}, with the {@link ShmtelExtension}s {@code extensions} finds (null: the
     * context class loader's).
     */
    public static Running run(Path file, String onlyNode, ClassLoader extensions, Module... userModules) {
        Injector parent = parent(extensions, userModules);
        Deployment deployment = load(file, parent);
        List<Deployment.NodeSpec> nodes = onlyNode == null ? deployment.nodes()
                : List.of(deployment.node(onlyNode).orElseThrow(()
                        -> new IllegalArgumentException("no node \"" + onlyNode
                        + "\" in " + file + "; its nodes: " + deployment.nodes().stream().map(Deployment.NodeSpec::name)
                                .toList())));
        Injector injector = parent.createChildInjector(new DeploymentModule(deployment, nodes));
        DeploymentRunner runner = injector.getInstance(DeploymentRunner.class).start();
        return new Running(injector, deployment, runner);
    }
}
