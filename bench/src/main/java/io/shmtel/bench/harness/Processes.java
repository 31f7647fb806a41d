package io.shmtel.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The child processes of one run, and the one place the harness launches, awaits and collects
 * them: each is launched (its stderr to the log directory), awaited until it says READY, told GO
 * where the run must start in step, collected (its METRIC and HIST lines up to DONE and a clean
 * exit) within the run's time bound, and at the end closed, the last launched first.
 */
final class Processes implements AutoCloseable {
    private final Bench bench;
    private final Placement placement;
    private final List<Proc> launched = new ArrayList<>();

    Processes(Bench bench, Placement placement) {
        this.bench = bench;
        this.placement = placement;
    }

    /**
     * Launches {@code main} (a {@link Child}, {@link AeronChild} or {@link BridgeChild}) and does not wait; the
     * n-th process launched here gets the n-th CPU of the placement (when there is one).
     */
    Proc launch(Class<?> main, String name, Object... args) {
        Proc proc = Proc.start(name, bench.jvm(main, placement.jvmOptions(launched.size()), args), bench.logs);
        launched.add(proc);
        return proc;
    }

    /**
     * After collecting: why the placement did not hold (each refusing process and its reason), or null when
     * every process asked was placed. Refused processes ran unplaced.
     */
    String refusals() {
        List<String> refused = new ArrayList<>();
        for (Proc proc : launched) {
            if (Placement.refused(proc.placement)) {
                refused.add(proc.name + ": " + proc.placement);
            }
        }
        return refused.isEmpty() ? null : String.join("; ", refused);
    }


    /** Launches {@code main} and waits until it says READY. */
    Proc start(Class<?> main, String name, Object... args) {
        Proc proc = launch(main, name, args);
        awaitReady(proc);
        return proc;
    }

    /** Waits until each process says READY, in order. */
    static void awaitReady(Proc... procs) {
        for (Proc proc : procs) {
            proc.awaitReady(Bench.START);
        }
    }

    /** Tells {@code driver} GO, then collects it and every other process launched here, in launch order. */
    void go(Proc driver, Duration budget) {
        driver.send("GO");
        driver.collect(budget);
        for (Proc proc : launched) {
            if (proc != driver) {
                proc.collect(budget);
            }
        }
    }

    /** Collects these processes, in order. */
    static void collect(Duration budget, Proc... procs) {
        for (Proc proc : procs) {
            proc.collect(budget);
        }
    }

    @Override
    public void close() {
        for (int i = launched.size() - 1; i >= 0; i--) {
            launched.get(i).close();
        }
    }
}
