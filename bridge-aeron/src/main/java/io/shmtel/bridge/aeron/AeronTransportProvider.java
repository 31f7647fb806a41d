package io.shmtel.bridge.aeron;

import io.shmtel.bridge.BridgeException;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.bridge.spi.TransportProvider;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code aeron}: Aeron UDP (unicast or multicast) with an embedded media driver per bridge process.
 * Options: {@code aeron.dir} (the driver's directory; default {@code /dev/shm/aeron-shmtel-PID}),
 * {@code aeron.term-length} (bytes per term of each publication, a power of two; default 1 MiB),
 * and the common {@code idle-max-park-us} (the longest the media driver sleeps when idle; default 2000).
 */
public final class AeronTransportProvider implements TransportProvider {
    /** The JVM flag Agrona needs on JDK 17 and later: the launcher passes it to bridge processes only. */
    public static final String JVM_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    @Override
    public String name() {
        return "aeron";
    }

    @Override
    public String requirements() {
        return "the JVM flag " + JVM_FLAG + " (bin/shmtel passes it to `shmtel bridge`)";
    }

    @Override
    public Transport open(Map<String, String> options, Consumer<String> log) {
        if (!Object.class.getModule().isExported("jdk.internal.misc", AeronTransportProvider.class.getModule())) {
            throw new BridgeException("the Aeron transport needs the JVM flag " + JVM_FLAG
                    + " (Agrona reaches jdk.internal.misc.Unsafe); bin/shmtel passes it to `shmtel bridge`,"
                    + " a program of yours adds it to its java command line");
        }
        return new AeronTransport(options, log);
    }
}
