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

    /** Loads this class (registers); true always: a writer wakes sleepers either way. */
    static boolean ready() {
        return REGISTERED || FENCE;
    }
}
