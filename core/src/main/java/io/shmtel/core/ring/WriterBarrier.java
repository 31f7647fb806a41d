package io.shmtel.core.ring;

import io.shmtel.core.nativeio.Futex;

/**
 * Whether this process's writers need a fence between publishing and loading the sleeper bits:
 * not when the process is registered for {@code MEMBARRIER_CMD_GLOBAL_EXPEDITED} (done once, when
 * the first writer is made), because sleeping readers then issue the barrier for them.
 */
final class WriterBarrier {
    static final boolean REGISTERED = Futex.registerForGlobalBarrier();
    static final boolean FENCE = !REGISTERED;

    private WriterBarrier() {}

    /** Registers this process (once: the class's initialisation), before its first writer publishes. */
    static void register() {
        // nothing more: loading the class ran the registration
    }
}
