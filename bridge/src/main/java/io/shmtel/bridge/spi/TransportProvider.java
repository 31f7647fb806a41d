package io.shmtel.bridge.spi;

import java.util.Map;
import java.util.function.Consumer;

/**
 * A transport engine, found with {@link java.util.ServiceLoader} by {@link #name()} (the bridge's
 * {@code --transport} option and the deployment file's {@code transport} key).
 */
public interface TransportProvider {
    /** The option every engine may honour: the longest its threads sleep when idle, in microseconds. */
    String IDLE_MAX_PARK_US = "idle-max-park-us";
    /**
     * The option every engine may honour: how its threads wait while idle, an idle strategy's name
     * ({@code busy-spin}, {@code yield}, {@code backoff}, {@code blocking}: sleep until a datagram arrives or a
     * frame is offered, where the engine can; the default), as the bridges' {@code --idle} names it.
     */
    String IDLE_STRATEGY = "idle-strategy";
    /** The option every engine may honour: how many times its threads spin after work before they wait. */
    String IDLE_MAX_SPINS = "idle-max-spins";

    /** The engine's name, e.g. {@code aeron}. */
    String name();

    /** What a process needs to run this engine (JVM flags, kernel settings), for error messages; empty when nothing. */
    default String requirements() {
        return "";
    }

    /** Starts one transport instance; {@code options} are engine-specific, {@code log} takes its messages. */
    Transport open(Map<String, String> options, Consumer<String> log);
}
