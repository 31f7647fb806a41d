package io.shmtel.bridge;

import io.shmtel.bridge.spi.TransportProvider;
import java.util.List;
import java.util.ServiceLoader;

/** Finds transport engines on the class path ({@link TransportProvider} services). */
public final class Transports {
    private Transports() {}

    /** The provider named {@code name}; a {@link BridgeException} naming the ones available otherwise. */
    public static TransportProvider provider(String name) {
        List<TransportProvider> all = all();
        return all.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new BridgeException(
                "no bridge transport \"" + name + "\" on the class path; available: "
                        + (all.isEmpty() ? "none (add a transport module such as shmtel-bridge-aeron)"
                                : all.stream().map(TransportProvider::name).toList())));
    }

    public static List<TransportProvider> all() {
        return ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get).toList();
    }
}
